package device

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/stbrecovery/stbrecovery/device/safetext"
)

// SettingKind is what sort of value a setting takes.
type SettingKind string

// Setting kinds.
const (
	SettingChoice SettingKind = "choice" // one of a fixed list
	SettingURL    SettingKind = "url"    // an absolute URL, or empty for the default
	SettingText   SettingKind = "text"   // one line of text
	SettingColor  SettingKind = "color"  // 0xAARRGGBB, as the real Env section writes colours
)

// Setting describes one fw_printenv name the box knows.
type Setting struct {
	Name     string      `json:"name"`
	Kind     SettingKind `json:"kind"`
	Choices  []string    `json:"choices,omitempty"`
	ReadOnly bool        `json:"read_only,omitempty"` // set by the box itself (identity, running image, key slot)
	About    string      `json:"about"`               // one line for help and refusals
}

// Bounds of a setting, as a U-Boot environment would hold it.
const (
	maxSettingName  = 64
	maxSettingValue = 1024
)

// settingCatalogue lists every setting the box reads or shows, in the order
// fw_printenv help lists them. Names outside it are kept only when an
// image's Env section brings them (the real Env carries more than the box reads).
func settingCatalogue() []Setting {
	return []Setting{
		{Name: "tvsystem", Kind: SettingChoice, Choices: []string{"PAL", "576p-50", "720p-50", "1080i-50", "NTSC", "576p-60", "720p-60", "1080i-60"}, About: "the TV system (Bootloader: TV System)"},
		{Name: "graphicres", Kind: SettingChoice, Choices: []string{"720x576", "1280x720", "1920x1080", "tvsystem_res"}, About: "the graphic resolution (Bootloader: Graphic Res.)"},
		{Name: "componentout", Kind: SettingChoice, Choices: []string{"YPrPb", "RGB"}, About: "the component output (Bootloader: Component out)"},
		{Name: "bootmode", Kind: SettingChoice, Choices: []string{"NAND", "NAND2", "DHCP"}, About: "where the box boots from: bank 0, bank 1 or the network (Bootloader: Boot Mode)"},
		{Name: "Ver_Forced", Kind: SettingChoice, Choices: []string{"No", "Yes"}, About: "Yes lets the boot stage install the same version again (Bootloader: Image Info › Forced)"},
		{Name: "autoupdate_cond", Kind: SettingChoice, Choices: []string{"0", "1", "2"}, About: "Autoupdate: 0 on, 1 ask first, 2 off (portal: Settings › Software update)"},
		{Name: "betaupdate_cond", Kind: SettingChoice, Choices: []string{"0", "1"}, About: "1 lets Autoupdate install beta versions (portal: Update to beta versions)"},
		{Name: "autoupdateURL", Kind: SettingURL, About: "where Autoupdate reads update_list.txt; empty: the manufacturer's server"},
		{Name: "update_url", Kind: SettingURL, About: "the image the portal's Update from URL offers first"},
		{Name: "bootstrap_url", Kind: SettingURL, About: "where a network boot loads the Bootstrap"},
		{Name: "portal1", Kind: SettingURL, About: "the first portal's address"},
		{Name: "portal2", Kind: SettingURL, About: "the second portal's address"},
		{Name: "do_factory_reset", Kind: SettingChoice, Choices: []string{"0", "1"}, About: "1 asks for a factory reset at the next boot (kept and shown)"},
		{Name: "bg_color", Kind: SettingColor, About: "the background colour of the boot screens, 0xAARRGGBB"},
		{Name: "fg_color", Kind: SettingColor, About: "the text colour of the boot screens, 0xAARRGGBB"},
		{Name: "language", Kind: SettingText, About: "the language of the menus, e.g. en"},
		{Name: "ntpurl", Kind: SettingText, About: "the time server, e.g. pool.ntp.org"},
		{Name: "Image_Version", ReadOnly: true, Kind: SettingText, About: "the running image's version"},
		{Name: "Image_Date", ReadOnly: true, Kind: SettingText, About: "the running image's date"},
		{Name: "Image_Desc", ReadOnly: true, Kind: SettingText, About: "the running image's description"},
		{Name: "Boot_Version", ReadOnly: true, Kind: SettingText, About: "the bootloader's version"},
		{Name: "serial#", ReadOnly: true, Kind: SettingText, About: "the serial number"},
		{Name: "ethaddr", ReadOnly: true, Kind: SettingText, About: "the MAC address"},
		{Name: "oppubKEY", ReadOnly: true, Kind: SettingText, About: "the installed operator key's id"},
	}
}

// Settings lists the settings the box knows, with their kinds and allowed values.
func Settings() []Setting { return settingCatalogue() }

func lookupSetting(name string) (Setting, bool) {
	for _, s := range settingCatalogue() {
		if s.Name == name {
			return s, true
		}
	}
	return Setting{}, false
}

// SettingChoices lists the values a menu offers for the setting name, nil for free text.
func SettingChoices(name string) []string {
	s, _ := lookupSetting(name)
	return append([]string(nil), s.Choices...)
}

// ReadOnlySetting reports whether the box sets name itself (it cannot be saved).
func ReadOnlySetting(name string) bool {
	s, ok := lookupSetting(name)
	return ok && s.ReadOnly
}

// SettingError is a refused NAME=VALUE pair, said in one sentence.
type SettingError struct {
	Name, Value string
	Problem     string // what is wrong and what is allowed
	ReadOnly    bool   // the box sets the name itself
	Unknown     bool   // the box knows no such setting
}

// Error names the pair and what is allowed.
func (e *SettingError) Error() string {
	return fmt.Sprintf("%s=%s: %s", safeText(e.Name, maxSettingName), safeText(e.Value, 80), e.Problem)
}

// safeText clips s to n runes and shows its control characters escaped, so
// that no byte from outside reaches a terminal raw.
func safeText(s string, n int) string {
	if utf8.RuneCountInString(s) > n {
		s = string([]rune(s)[:n]) + "…"
	}
	return safetext.Escape(s)
}

// CheckSetting checks one NAME=VALUE pair as `device set` and the portal's
// settings take it. known says whether the box already holds name (a name an
// image's Env section brought, outside the catalogue). An empty value removes
// a URL or text setting (an empty autoupdateURL means the manufacturer's server).
func CheckSetting(name, value string, known bool) error {
	bad := func(problem string) error { return &SettingError{Name: name, Value: value, Problem: problem} }
	if !validSettingName(name) {
		return bad(fmt.Sprintf("%q is not a setting name: letters, digits and _ # . - only, at most %d", safeText(name, maxSettingName), maxSettingName))
	}
	if err := checkSettingValue(value); err != "" {
		return bad(err)
	}
	s, ok := lookupSetting(name)
	if !ok {
		if known {
			return nil
		}
		return &SettingError{Name: name, Value: value, Unknown: true,
			Problem: "the box has no such setting; the settings a user may change are " + strings.Join(userSettings(), ", ")}
	}
	if s.ReadOnly {
		return &SettingError{Name: name, Value: value, ReadOnly: true,
			Problem: fmt.Sprintf("%s is %s: the box sets it itself and no user may change it", name, s.About)}
	}
	switch s.Kind {
	case SettingChoice:
		if !oneOf(value, s.Choices) {
			return bad(fmt.Sprintf("%s takes one of %s", name, strings.Join(s.Choices, ", ")))
		}
	case SettingURL:
		if value == "" {
			return nil
		}
		u, err := url.Parse(value)
		if err != nil || u.Scheme == "" || u.Host == "" || strings.ContainsAny(value, " \t") {
			return bad(fmt.Sprintf("%s takes an absolute address such as http://server/mag254/%s, or nothing for the default", name, exampleFile(name)))
		}
	case SettingColor:
		if !validColor(value) {
			return bad(fmt.Sprintf("%s takes a colour as 0xAARRGGBB, e.g. 0x00FFFFFF", name))
		}
	}
	return nil
}

func exampleFile(name string) string {
	if name == "autoupdateURL" {
		return UpdateListName
	}
	return "imageupdate"
}

// userSettings are the catalogue's names a user may change.
func userSettings() []string {
	var out []string
	for _, s := range settingCatalogue() {
		if !s.ReadOnly {
			out = append(out, s.Name)
		}
	}
	return out
}

func validSettingName(name string) bool {
	if name == "" || len(name) > maxSettingName {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_#.-", r)) {
			return false
		}
	}
	return true
}

// checkSettingValue refuses what a one-line environment value cannot hold.
func checkSettingValue(v string) string {
	if len(v) > maxSettingValue {
		return fmt.Sprintf("the value is %d bytes; a setting holds at most %d", len(v), maxSettingValue)
	}
	if !utf8.ValidString(v) {
		return "the value is not UTF-8 text"
	}
	for _, r := range v {
		if unicode.IsControl(r) {
			return "the value holds a control character; a setting is one line of text"
		}
	}
	return ""
}

func validColor(v string) bool {
	if len(v) != 10 || !(strings.HasPrefix(v, "0x") || strings.HasPrefix(v, "0X")) {
		return false
	}
	for _, c := range v[2:] {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// ParseAssignment reads one NAME=VALUE argument, as fw_setenv takes it.
func ParseAssignment(s string) (name, value string, err error) {
	name, value, ok := strings.Cut(s, "=")
	if !ok {
		return "", "", fmt.Errorf("%q is not NAME=VALUE: write it as e.g. autoupdate_cond=0", safeText(s, 80))
	}
	return name, value, nil
}

// FactorySettings are the settings a new box of model m has by default
// (without the identity and image settings).
func FactorySettings(m Model) map[string]string { return factorySettings(m) }

func factorySettings(m Model) map[string]string {
	server := m.ManufacturerURL()
	tv, res := "720p-50", "1280x720"
	if m.Base == "MAG250" {
		tv, res = "PAL", "720x576"
	}
	return map[string]string{
		"autoupdateURL":    server + "update_list.txt",
		"update_url":       server + "imageupdate",
		"Ver_Forced":       "No",
		"autoupdate_cond":  choiceDefaultAutoupdateCond,
		"betaupdate_cond":  "1",
		"bootmode":         "NAND",
		"tvsystem":         tv,
		"graphicres":       res,
		"componentout":     "YPrPb",
		"do_factory_reset": "0",
	}
}

// FactoryDefaults are the settings a factory reset restores on this box:
// those it was made with (`device init --set`), else its model's.
func (b *Box) FactoryDefaults() map[string]string {
	return b.state().factoryDefaults(b.model)
}

func (st *stateFile) factoryDefaults(m Model) map[string]string {
	src := st.Factory
	if src == nil {
		src = factorySettings(m)
	}
	out := make(map[string]string, len(src))
	for k, v := range src {
		out[k] = v
	}
	return out
}

// factoryWith is the model's factory settings with the given ones over them,
// each checked as `device set` checks it.
func factoryWith(m Model, given map[string]string) (map[string]string, error) {
	out := factorySettings(m)
	for _, name := range sortedNames(given) {
		v := given[name]
		if err := CheckSetting(name, v, false); err != nil {
			return nil, err
		}
		if name == "bootmode" && v == "NAND2" {
			return nil, &SettingError{Name: name, Value: v, Problem: "a new box runs its image from bank 0: give NAND or DHCP, and pick the bank later"}
		}
		if v == "" {
			delete(out, name)
			continue
		}
		out[name] = v
	}
	return out, nil
}

func forcedOn(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "yes", "1", "true", "on":
		return true
	}
	return false
}

func bankMode(n int) string {
	if n == 1 {
		return "NAND2"
	}
	return "NAND"
}

func sortedNames(m map[string]string) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Set changes settings like fw_setenv: every pair is checked first, then all
// are written in one state write, or none is. A value "" removes a URL or
// text setting. Changing bootmode to NAND or NAND2 picks the bank to boot from.
func (b *Box) Set(pairs map[string]string) error {
	return b.change(func(st *stateFile) error {
		for _, name := range sortedNames(pairs) {
			_, held := st.Settings[name]
			if err := CheckSetting(name, pairs[name], held); err != nil {
				return err
			}
		}
		for _, name := range sortedNames(pairs) {
			applySetting(st, name, pairs[name])
		}
		return nil
	})
}

// SaveSettings stores changed settings (Exit & Save, a scenario's setup). It
// checks them as Set does, except that a read-only setting given its current
// value is let through (the Bootloader saves its whole page).
func (b *Box) SaveSettings(changed map[string]string) error {
	rest := make(map[string]string, len(changed))
	for n, v := range changed {
		if ReadOnlySetting(n) && b.state().Settings[n] == v {
			continue
		}
		rest[n] = v
	}
	return b.Set(rest)
}

// applySetting stores one checked setting, with bootmode's bank choice.
func applySetting(st *stateFile, name, v string) {
	if v == "" {
		delete(st.Settings, name)
		return
	}
	st.Settings[name] = v
	if name == "bootmode" && choiceBootmodeFollowsBank {
		switch v {
		case "NAND":
			st.Active = 0
		case "NAND2":
			st.Active = 1
		}
		if img := st.Banks[st.Active].Image; st.Banks[st.Active].Valid && img != nil {
			setImageSettings(st, img)
		}
	}
}

func oneOf(v string, list []string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// identitySettings survive a factory reset: the box's identity, its running
// image and its key slot.
var identitySettings = []string{"Image_Version", "Image_Date", "Image_Desc", "Boot_Version", "serial#", "ethaddr", "oppubKEY"}

// FactoryReset restores the factory settings (Def. Settings / Reset
// settings): those the box was made with. The images, the active bank, the
// identity and the operator key stay.
func (b *Box) FactoryReset() error {
	return b.change(func(st *stateFile) error {
		fresh := st.factoryDefaults(b.model)
		for _, name := range identitySettings {
			if v, ok := st.Settings[name]; ok {
				fresh[name] = v
			}
		}
		if choiceBootmodeFollowsBank {
			fresh["bootmode"] = bankMode(st.Active)
		}
		st.Settings = fresh
		return nil
	})
}

// SetActiveBank boots from bank n next time (Boot Mode NAND2 / Boot from
// backup bank). The bank need not be valid: booting then shows Er20.
func (b *Box) SetActiveBank(n int) error {
	if err := checkBank(n); err != nil {
		return err
	}
	return b.change(func(st *stateFile) error {
		st.Active = n
		if choiceBootmodeFollowsBank && st.Settings["bootmode"] != "DHCP" {
			st.Settings["bootmode"] = bankMode(n)
		}
		if img := st.Banks[n].Image; st.Banks[n].Valid && img != nil {
			setImageSettings(st, img)
		}
		return nil
	})
}
