package device

// The Autoupdate module of the running image (seed autoupdate-module.txt):
//
//  1. autoupdate_cond: 0 enabled, 1 with confirmation, 2 disabled;
//  2. read update_list.txt from autoupdateURL;
//  3. take the last entry; go on only if its date is newer than Image_Date;
//  4. start the download and read the image's own header Date; go on only if
//     it is newer than Image_Date too;
//  5. type release: update; beta: only if betaupdate_cond is 1; alpha: never;
//  6. with autoupdate_cond 1, ask;
//  7. install on the portal path (the usual checks 1–5 of RULES.md).
//
// Each step is recorded with the values it compared, so that a screen can
// show why an update did or did not start. The download begun in step 4 is
// the one that installs: the image is fetched once.

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// UpdateListName is the file the Autoupdate module reads from autoupdateURL.
const UpdateListName = "update_list.txt"

// AutoupdateOptions tune one run of the Autoupdate module.
type AutoupdateOptions struct {
	// Confirm is asked before installing when autoupdate_cond is 1; nil means no.
	Confirm func(question string) bool
	// Progress receives the install's events; it may be nil.
	Progress func(Progress)
	// Step, when not nil, receives each step as soon as it is decided, so a
	// screen can show the sequence while it runs; the report holds them all.
	Step func(AutoupdateStep)
	// HTTP changes the HTTP settings (timeouts, redirects) of both downloads.
	HTTP []HTTPOption
}

// AutoupdateStep is one check of the Autoupdate sequence.
type AutoupdateStep struct {
	Name   string `json:"name"`             // "autoupdate_cond", "update_list.txt", "list date", "image date", "type", "confirmation", "install"
	Value  string `json:"value"`            // what was found
	Versus string `json:"versus,omitempty"` // what it was compared with
	Pass   bool   `json:"pass"`             // the sequence went on after this step
	Note   string `json:"note"`             // one sentence a person can read
}

// AutoupdateOutcome says how a run of the Autoupdate module ended.
type AutoupdateOutcome string

// Outcomes of Autoupdate.
const (
	AutoupdateDisabled  AutoupdateOutcome = "disabled"   // autoupdate_cond is 2
	AutoupdateUpToDate  AutoupdateOutcome = "up-to-date" // nothing newer, or a type the box does not take
	AutoupdateDeclined  AutoupdateOutcome = "declined"   // the person said no
	AutoupdateFailed    AutoupdateOutcome = "failed"     // the list or the image could not be read
	AutoupdateInstalled AutoupdateOutcome = "installed"  // the install finished (16)
	AutoupdateRefused   AutoupdateOutcome = "refused"    // the install was tried and refused or failed
)

// AutoupdateReport is the step-by-step account of one run.
type AutoupdateReport struct {
	Steps   []AutoupdateStep       `json:"steps"`
	Outcome AutoupdateOutcome      `json:"outcome"`
	Status  Status                 `json:"status"` // 16 installed, the error's status, or 21 Idle when nothing was done
	Text    string                 `json:"text"`   // Status.Text()
	ListURL string                 `json:"list_url,omitempty"`
	Entry   *imagefmt.UpdateEntry  `json:"entry,omitempty"`  // the last entry of the list
	Header  *AutoupdateImageHeader `json:"image,omitempty"`  // what the image's header said
	Result  *Result                `json:"result,omitempty"` // the install, when one was attempted
	// TurnedOff: the run failed or was refused, and the box set autoupdate_cond to 2.
	TurnedOff bool `json:"autoupdate_turned_off,omitempty"`
}

// AutoupdateImageHeader is what the Autoupdate module read from the image's header.
type AutoupdateImageHeader struct {
	URL         string `json:"url"`
	Model       string `json:"model"`
	Version     int    `json:"version"`
	Date        string `json:"date"`
	Description string `json:"description"`
}

// Autoupdate runs the Autoupdate module of the running image with the box's
// settings (autoupdate_cond, autoupdateURL, betaupdate_cond, Image_Date) and,
// when every check passes, installs the last entry of the list through Update
// on the portal path. An empty autoupdateURL means the manufacturer's server,
// as on the real box.
//
// Every request carries the headers the real portal sends (PortalHeaders).
// When the run fails or its install is refused, the box turns Autoupdate off
// (autoupdate_cond 2), as the real portal does so as not to try again in a
// loop, and the report's last step says so.
func (b *Box) Autoupdate(ctx context.Context, opts AutoupdateOptions) AutoupdateReport {
	st := b.State()
	manufacturer := b.Model().ManufacturerURL() + UpdateListName
	for _, h := range PortalHeaders(st) {
		opts.HTTP = append([]HTTPOption{WithRequestHeader(h[0], h[1])}, opts.HTTP...)
	}
	r := runAutoupdate(ctx, st.Settings, manufacturer, opts, func(ctx context.Context, src Source, uo UpdateOptions) Result {
		return b.Update(ctx, src, uo)
	})
	if r.Outcome != AutoupdateFailed && r.Outcome != AutoupdateRefused {
		return r
	}
	s := AutoupdateStep{Name: "autoupdate_cond", Value: "2", Versus: "was " + st.Settings["autoupdate_cond"],
		Note: "Autoupdate was turned off (autoupdate_cond=2) so that the box does not try again in a loop; turn it on again in Settings › Software update once the cause is fixed."}
	if err := b.Set(map[string]string{"autoupdate_cond": "2"}); err != nil {
		s.Value, s.Note = st.Settings["autoupdate_cond"], fmt.Sprintf("Autoupdate could not be turned off (%v).", err)
	}
	r.TurnedOff = s.Value == "2"
	r.Steps = append(r.Steps, s)
	if opts.Step != nil {
		opts.Step(s)
	}
	return r
}

// Reason is the note of the step that decided how the run ended (not the
// note that Autoupdate was turned off afterwards); "" when there is no step.
func (r AutoupdateReport) Reason() string {
	n := len(r.Steps)
	if r.TurnedOff && n > 1 {
		n--
	}
	if n == 0 {
		return ""
	}
	return r.Steps[n-1].Note
}

// PortalHeaders are the request headers the portal's updater sends with
// every request: the running version, the box's serial number, MAC address
// and model, so that an operator's server can pick what to offer.
func PortalHeaders(st State) [][2]string {
	return [][2]string{
		{"X-CurrentVersion", st.Settings["Image_Version"]},
		{"X-SerialNumber", st.Serial},
		{"X-MacAddress", st.MAC},
		{"X-ModelNameEx", st.Model},
	}
}

// installFunc is Box.Update, or a stand-in in tests of the decision sequence.
type installFunc func(ctx context.Context, src Source, opts UpdateOptions) Result

// runAutoupdate is the sequence; manufacturer is the list used when
// autoupdateURL is not set ("By default, the Autoupdate module works from the
// manufacturer URL if the variable autoupdateURL is not specified" — seed).
func runAutoupdate(ctx context.Context, settings map[string]string, manufacturer string, opts AutoupdateOptions, install installFunc) AutoupdateReport {
	var r AutoupdateReport
	step := func(s AutoupdateStep) {
		r.Steps = append(r.Steps, s)
		if opts.Step != nil {
			opts.Step(s)
		}
	}
	stop := func(o AutoupdateOutcome, st Status) AutoupdateReport {
		r.Outcome, r.Status, r.Text = o, st, st.Text()
		return r
	}
	fail := func(name string, err error) AutoupdateReport {
		st := StatusOf(err)
		step(AutoupdateStep{Name: name, Value: st.String(), Pass: false, Note: err.Error()})
		return stop(AutoupdateFailed, st)
	}

	// 1. autoupdate_cond
	cond := strings.TrimSpace(settings["autoupdate_cond"])
	switch cond {
	case "0":
		step(AutoupdateStep{Name: "autoupdate_cond", Value: "0", Pass: true, Note: "Autoupdate is enabled."})
	case "1":
		step(AutoupdateStep{Name: "autoupdate_cond", Value: "1", Pass: true, Note: "Autoupdate is enabled; it asks before installing."})
	default:
		note := "Autoupdate is disabled (2), so no update is looked for."
		if cond != "2" {
			note = fmt.Sprintf("autoupdate_cond is %q, not 0 or 1, so Autoupdate counts as disabled.", cond)
		}
		step(AutoupdateStep{Name: "autoupdate_cond", Value: cond, Versus: "0 or 1", Note: note})
		return stop(AutoupdateDisabled, StatusIdle)
	}

	// 2. update_list.txt
	setting, fromManufacturer := strings.TrimSpace(settings["autoupdateURL"]), false
	if setting == "" && manufacturer != "" {
		setting, fromManufacturer = manufacturer, true
	}
	listURL := ListURL(setting)
	r.ListURL = listURL
	list, err := FetchUpdateList(ctx, listURL, opts.HTTP...)
	if err != nil {
		return fail(UpdateListName, err)
	}
	last, ok := list.Last()
	if !ok {
		step(AutoupdateStep{Name: UpdateListName, Value: "0 entries", Note: fmt.Sprintf("%s lists no image.", listURL)})
		return stop(AutoupdateUpToDate, StatusIdle)
	}
	r.Entry = &last
	from := ""
	if fromManufacturer {
		from = " autoupdateURL is not set, so the manufacturer's list was read."
	}
	step(AutoupdateStep{Name: UpdateListName, Value: fmt.Sprintf("%d entries", len(list)), Pass: true,
		Note: fmt.Sprintf("The last entry is %q (%s, %s).%s", last.Name, last.Type, last.Date, from)})

	// 3. the list date against Image_Date
	current := strings.TrimSpace(settings["Image_Date"])
	curTime, curOK := readBoxDate(current)
	listTime, _ := last.Time() // ParseUpdateList checked it
	if !newer(listTime, curTime, curOK) {
		step(AutoupdateStep{Name: "list date", Value: last.Date, Versus: "Image_Date " + current,
			Note: "The newest image in the list is not newer than the running one; Autoupdate does not start."})
		return stop(AutoupdateUpToDate, StatusIdle)
	}
	step(AutoupdateStep{Name: "list date", Value: last.Date, Versus: "Image_Date " + current, Pass: true,
		Note: "The newest image in the list is newer than the running one." + unreadableNote(current, curOK)})

	// 4. the image's own header date
	imgURL, err := resolveEntryURL(listURL, last.URL)
	if err != nil {
		return fail("image date", err)
	}
	src := HTTPSource(imgURL, opts.HTTP...)
	opened, hdr, err := openHeader(ctx, src)
	if err != nil {
		return fail("image date", err)
	}
	defer opened.Close()
	r.Header = &AutoupdateImageHeader{URL: src.String(), Model: hdr.Model, Version: hdr.Version, Date: hdr.Date, Description: hdr.Description}
	imgDate, err := imagefmt.ParseHeaderDate(hdr.Date)
	if err != nil {
		step(AutoupdateStep{Name: "image date", Value: hdr.Date, Versus: "Image_Date " + current,
			Note: fmt.Sprintf("The image's header Date cannot be read (%v); Autoupdate does not start.", err)})
		return stop(AutoupdateFailed, StatusInvalidHeader)
	}
	zoneNote := ""
	if !imgDate.ZoneKnown {
		zoneNote = fmt.Sprintf(" The zone %q is unknown and was read as UTC.", imgDate.Zone)
	}
	if !newer(imgDate.Time, curTime, curOK) {
		step(AutoupdateStep{Name: "image date", Value: hdr.Date, Versus: "Image_Date " + current,
			Note: "The image's own header Date is not newer than the running image; Autoupdate does not start." + zoneNote})
		return stop(AutoupdateUpToDate, StatusIdle)
	}
	step(AutoupdateStep{Name: "image date", Value: hdr.Date, Versus: "Image_Date " + current, Pass: true,
		Note: "The image's own header Date is newer than the running image." + zoneNote})

	// 5. the type
	beta := strings.TrimSpace(settings["betaupdate_cond"])
	if beta == "" {
		beta = "1" // the seed's default
	}
	switch last.Type {
	case imagefmt.TypeRelease:
		step(AutoupdateStep{Name: "type", Value: "release", Pass: true, Note: "A release is installed."})
	case imagefmt.TypeBeta:
		if beta != "1" {
			step(AutoupdateStep{Name: "type", Value: "beta", Versus: "betaupdate_cond " + beta,
				Note: "A beta is installed only when betaupdate_cond is 1 (Settings: Update to beta versions)."})
			return stop(AutoupdateUpToDate, StatusIdle)
		}
		step(AutoupdateStep{Name: "type", Value: "beta", Versus: "betaupdate_cond 1", Pass: true,
			Note: "A beta is installed because betaupdate_cond is 1."})
	default:
		step(AutoupdateStep{Name: "type", Value: string(last.Type), Note: "Autoupdate never installs an alpha."})
		return stop(AutoupdateUpToDate, StatusIdle)
	}

	// 6. confirmation
	if cond == "1" {
		q := fmt.Sprintf("A new software version is available: %s (%s, %s). Update now?", hdr.Description, last.Type, hdr.Date)
		if opts.Confirm == nil || !opts.Confirm(q) {
			step(AutoupdateStep{Name: "confirmation", Value: "no", Note: "The update was not confirmed."})
			return stop(AutoupdateDeclined, StatusIdle)
		}
		step(AutoupdateStep{Name: "confirmation", Value: "yes", Pass: true, Note: "The update was confirmed."})
	}

	// 7. install on the portal path, from the download already begun
	// Check 4 for Autoupdate is the two date steps above ("Autoupdate compares
	// dates", RULES.md); the older-version question of a manual portal update
	// is not asked: the dates already passed.
	datesPassed := func(string) bool { return true }
	res := install(ctx, opened, UpdateOptions{Path: PathPortal, Progress: opts.Progress, Confirm: datesPassed})
	r.Result = &res
	step(AutoupdateStep{Name: "install", Value: res.Status.String(), Pass: res.Installed, Note: res.Explain})
	if res.Installed {
		return stop(AutoupdateInstalled, res.Status)
	}
	return stop(AutoupdateRefused, res.Status)
}

// ListURL is the address of update_list.txt for an autoupdateURL setting:
// the setting itself when it names a file, update_list.txt inside it when it
// names a folder (ends with "/" or has no path).
func ListURL(setting string) string {
	s := strings.TrimSpace(setting)
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return s
	}
	if u.Path == "" {
		u.Path = "/"
	}
	if strings.HasSuffix(u.Path, "/") {
		u.Path += UpdateListName
		u.RawPath = ""
	}
	return u.String()
}

// FetchUpdateList reads update_list.txt at rawURL. A list that does not
// parse fails with status 22 and says which entry and field is wrong.
func FetchUpdateList(ctx context.Context, rawURL string, opts ...HTTPOption) (imagefmt.UpdateList, error) {
	src := HTTPSource(rawURL, append([]HTTPOption{WithMaxBodySize(imagefmt.MaxUpdateListSize), withReadAhead(0)}, opts...)...)
	op, err := src.Open(ctx)
	if err != nil {
		return nil, err
	}
	defer op.Body.Close()
	data, err := io.ReadAll(io.LimitReader(op.Body, imagefmt.MaxUpdateListSize+1))
	if err != nil {
		return nil, err
	}
	list, err := imagefmt.ParseUpdateList(bytes.NewReader(data))
	if err != nil {
		return nil, &StatusError{Status: StatusInvalidHeader, Detail: fmt.Sprintf("%s: %v", src.String(), err), Err: err,
			Explain: "The update list on the server is not valid; whoever runs the server must fix it."}
	}
	return list, nil
}

// resolveEntryURL makes an entry's url absolute against the list's address.
func resolveEntryURL(listURL, entry string) (string, error) {
	base, err := CheckURL(listURL)
	if err != nil {
		return "", err
	}
	ref, err := url.Parse(strings.TrimSpace(entry))
	if err != nil {
		return "", &StatusError{Status: StatusIncorrectURL, Detail: fmt.Sprintf("the list's entry url %q is not a URL", clipText(entry, 80))}
	}
	return base.ResolveReference(ref).String(), nil
}

// readBoxDate reads Image_Date, in the header form or the list form.
func readBoxDate(s string) (time.Time, bool) {
	if d, err := imagefmt.ParseHeaderDate(s); err == nil {
		return d.Time, true
	}
	if t, err := imagefmt.ParseListDate(s); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// newer compares against the running image's date; a date the box cannot
// read (or none) is older than any image.
func newer(t, current time.Time, currentOK bool) bool {
	return !currentOK || t.After(current)
}

func unreadableNote(current string, ok bool) string {
	if ok {
		return ""
	}
	return fmt.Sprintf(" (Image_Date %q cannot be read, so any dated image counts as newer.)", current)
}

// openHeader starts the download and reads the image header; the returned
// source hands the same stream, from its first byte, to the install.
func openHeader(ctx context.Context, src Source) (*openedSource, *imagefmt.Header, error) {
	op, err := src.Open(ctx)
	if err != nil {
		return nil, nil, err
	}
	var seen bytes.Buffer
	br := bufio.NewReaderSize(io.TeeReader(op.Body, &seen), imagefmt.MaxHeaderSize)
	hdr, err := imagefmt.ReadHeader(br)
	if err != nil {
		op.Body.Close()
		return nil, nil, err
	}
	o := &openedSource{src: src, op: op}
	o.r = io.MultiReader(bytes.NewReader(seen.Bytes()), op.Body)
	return o, hdr, nil
}

// openedSource is a Source whose first Open returns a download already
// begun; a second Open starts a new one.
type openedSource struct {
	src  Source
	op   Opened
	r    io.Reader
	used bool
}

func (o *openedSource) String() string { return o.src.String() }

func (o *openedSource) Open(ctx context.Context) (Opened, error) {
	if o.used {
		return o.src.Open(ctx)
	}
	o.used = true
	op := o.op
	op.Body = struct {
		io.Reader
		io.Closer
	}{o.r, o.op.Body}
	return op, nil
}

// Close ends the download if the install did not take it.
func (o *openedSource) Close() error {
	if o.used {
		return nil
	}
	o.used = true
	return o.op.Body.Close()
}
