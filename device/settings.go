package device

import (
	"fmt"
	"sort"
	"strings"
)

// settingChoices are the values the menus offer for each enumerated setting.
var settingChoices = map[string][]string{
	"tvsystem":         {"PAL", "576p-50", "720p-50", "1080i-50", "NTSC", "576p-60", "720p-60", "1080i-60"},
	"graphicres":       {"720x576", "1280x720", "1920x1080", "tvsystem_res"},
	"componentout":     {"YPrPb", "RGB"},
	"bootmode":         {"NAND", "NAND2", "DHCP"},
	"Ver_Forced":       {"No", "Yes"},
	"autoupdate_cond":  {"0", "1", "2"},
	"betaupdate_cond":  {"0", "1"},
	"do_factory_reset": {"0", "1"},
}

// readOnlySettings are set by the box itself (the image it runs, the factory, the key slot).
var readOnlySettings = map[string]bool{
	"Image_Version": true, "Image_Date": true, "Image_Desc": true, "Boot_Version": true,
	"serial#": true, "ethaddr": true, "oppubKEY": true,
}

// SettingChoices lists the values a menu offers for the setting name, nil for free text.
func SettingChoices(name string) []string {
	return append([]string(nil), settingChoices[name]...)
}

// ReadOnlySetting reports whether the box sets name itself (it cannot be saved).
func ReadOnlySetting(name string) bool { return readOnlySettings[name] }

// FactorySettings are the settings a new box of model m has, and what Def.
// Settings restores (the identity and image settings are not among them).
func FactorySettings(m Model) map[string]string { return factorySettings(m) }

func factorySettings(m Model) map[string]string {
	server := fmt.Sprintf(choiceManufacturerURL, m.Number())
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

// SaveSettings stores changed settings (Exit & Save). A value "" removes a
// setting. Changing bootmode to NAND or NAND2 picks the bank to boot from.
// Nothing is stored when any change is refused.
func (b *Box) SaveSettings(changed map[string]string) error {
	return b.change(func(st *stateFile) error {
		names := make([]string, 0, len(changed))
		for n := range changed {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, name := range names {
			v := changed[name]
			if name == "" || strings.ContainsAny(name, "= \n") {
				return fmt.Errorf("%q is not a setting name", name)
			}
			if strings.ContainsAny(v, "\n\r") {
				return fmt.Errorf("the value of %s must be one line", name)
			}
			if readOnlySettings[name] {
				if st.Settings[name] == v {
					continue
				}
				return fmt.Errorf("%s is set by the box itself and cannot be changed", name)
			}
			if ch, ok := settingChoices[name]; ok && !oneOf(v, ch) {
				return fmt.Errorf("%s cannot be %q: pick one of %s", name, v, strings.Join(ch, ", "))
			}
			if v == "" {
				delete(st.Settings, name)
				continue
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
		return nil
	})
}

func oneOf(v string, list []string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// FactoryReset restores the factory settings (Def. Settings / Reset
// settings); the images, the active bank, the identity and the operator key stay.
func (b *Box) FactoryReset() error {
	return b.change(func(st *stateFile) error {
		fresh := factorySettings(b.model)
		for _, name := range []string{"Image_Version", "Image_Date", "Image_Desc", "Boot_Version", "serial#", "ethaddr", "oppubKEY"} {
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
