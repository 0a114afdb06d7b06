package device

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/device/internal/testimage"
	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// auServer serves an update list and images on loopback and counts requests.
type auServer struct {
	*httptest.Server
	list      string // the body of /update_list.txt; "" answers 404
	listCode  int    // answer this status for the list instead
	images    map[string][]byte
	listHits  atomic.Int32
	imageHits atomic.Int32
}

func newAUServer(t *testing.T) *auServer {
	s := &auServer{images: map[string][]byte{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/update_list.txt") {
			s.listHits.Add(1)
			switch {
			case s.listCode != 0:
				http.Error(w, "list", s.listCode)
			case s.list == "":
				http.NotFound(w, r)
			default:
				w.Write([]byte(strings.ReplaceAll(s.list, "$URL", s.URL)))
			}
			return
		}
		s.imageHits.Add(1)
		img, ok := s.images[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(img)
	}))
	t.Cleanup(s.Close)
	return s
}

func auEntry(name, url, typ string, date time.Time) string {
	return fmt.Sprintf(`{"name":%q, "url":%q, "type":%q, "date":%q, "descr":"test"}`, name, url, typ, imagefmt.FormatListDate(date))
}

func TestAutoupdateSequence(t *testing.T) {
	key := testimage.Key(t, "stb_public")
	running := time.Date(2019, 3, 1, 12, 0, 0, 0, testimage.EET())
	newer, older := running.Add(48*time.Hour), running.Add(-48*time.Hour)
	newImg := testimage.Bytes(t, testimage.Spec{Version: 219, Date: newer, Desc: "0.2.19-r1-pub-254", Key: key})
	oldImg := testimage.Bytes(t, testimage.Spec{Version: 217, Date: older, Desc: "0.2.17-r1-pub-254", Key: key})
	sameImg := testimage.Bytes(t, testimage.Spec{Version: 218, Date: running, Desc: "0.2.18-r1-pub-254", Key: key})

	type want struct {
		outcome   AutoupdateOutcome
		status    Status
		steps     string // the steps as name+ or name- (passed or stopped)
		installed bool
		imageHits int32
		says      string // a part of the last step's note
	}
	cases := []struct {
		name     string
		settings map[string]string // on top of a base: cond 0, beta 1, Image_Date = running
		list     string
		listCode int
		confirm  func(string) bool
		install  Status // what the stand-in install answers (default 16)
		// manufacturer is the list used when autoupdateURL is empty; "$URL" is the server.
		manufacturer string
		want         want
	}{
		{name: "disabled", settings: map[string]string{"autoupdate_cond": "2"},
			list: "[" + auEntry("n", "$URL/new", "release", newer) + "]",
			want: want{AutoupdateDisabled, StatusIdle, "autoupdate_cond-", false, 0, "disabled"}},
		{name: "cond not a number", settings: map[string]string{"autoupdate_cond": "yes"},
			list: "[" + auEntry("n", "$URL/new", "release", newer) + "]",
			want: want{AutoupdateDisabled, StatusIdle, "autoupdate_cond-", false, 0, "not 0 or 1"}},
		{name: "enabled, release, newer: installs",
			list: "[" + auEntry("o", "$URL/old", "release", older) + "," + auEntry("n", "$URL/new", "release", newer) + "]",
			want: want{AutoupdateInstalled, StatusFinishedOK, "autoupdate_cond+ update_list.txt+ list date+ image date+ type+ install+", true, 1, ""}},
		{name: "confirmation asked and given", settings: map[string]string{"autoupdate_cond": "1"},
			list:    "[" + auEntry("n", "$URL/new", "release", newer) + "]",
			confirm: func(q string) bool { return strings.Contains(q, "0.2.19-r1-pub-254") },
			want:    want{AutoupdateInstalled, StatusFinishedOK, "autoupdate_cond+ update_list.txt+ list date+ image date+ type+ confirmation+ install+", true, 1, ""}},
		{name: "confirmation refused", settings: map[string]string{"autoupdate_cond": "1"},
			list:    "[" + auEntry("n", "$URL/new", "release", newer) + "]",
			confirm: func(string) bool { return false },
			want:    want{AutoupdateDeclined, StatusIdle, "autoupdate_cond+ update_list.txt+ list date+ image date+ type+ confirmation-", false, 1, "not confirmed"}},
		{name: "confirmation with nobody to ask", settings: map[string]string{"autoupdate_cond": "1"},
			list: "[" + auEntry("n", "$URL/new", "release", newer) + "]",
			want: want{AutoupdateDeclined, StatusIdle, "autoupdate_cond+ update_list.txt+ list date+ image date+ type+ confirmation-", false, 1, ""}},
		{name: "list date older", list: "[" + auEntry("o", "$URL/old", "release", older) + "]",
			want: want{AutoupdateUpToDate, StatusIdle, "autoupdate_cond+ update_list.txt+ list date-", false, 0, "not newer"}},
		{name: "list date equal", list: "[" + auEntry("s", "$URL/same", "release", running) + "]",
			want: want{AutoupdateUpToDate, StatusIdle, "autoupdate_cond+ update_list.txt+ list date-", false, 0, "not newer"}},
		{name: "only the last entry counts", list: "[" + auEntry("n", "$URL/new", "release", newer) + "," + auEntry("o", "$URL/old", "release", older) + "]",
			want: want{AutoupdateUpToDate, StatusIdle, "autoupdate_cond+ update_list.txt+ list date-", false, 0, ""}},
		{name: "list says newer, image header older", list: "[" + auEntry("o", "$URL/old", "release", newer) + "]",
			want: want{AutoupdateUpToDate, StatusIdle, "autoupdate_cond+ update_list.txt+ list date+ image date-", false, 1, "header Date is not newer"}},
		{name: "list says newer, image header equal", list: "[" + auEntry("s", "$URL/same", "release", newer) + "]",
			want: want{AutoupdateUpToDate, StatusIdle, "autoupdate_cond+ update_list.txt+ list date+ image date-", false, 1, ""}},
		{name: "beta allowed", list: "[" + auEntry("n", "$URL/new", "beta", newer) + "]",
			want: want{AutoupdateInstalled, StatusFinishedOK, "autoupdate_cond+ update_list.txt+ list date+ image date+ type+ install+", true, 1, ""}},
		{name: "beta allowed by default", settings: map[string]string{"betaupdate_cond": ""}, list: "[" + auEntry("n", "$URL/new", "beta", newer) + "]",
			want: want{AutoupdateInstalled, StatusFinishedOK, "autoupdate_cond+ update_list.txt+ list date+ image date+ type+ install+", true, 1, ""}},
		{name: "beta not allowed", settings: map[string]string{"betaupdate_cond": "0"}, list: "[" + auEntry("n", "$URL/new", "beta", newer) + "]",
			want: want{AutoupdateUpToDate, StatusIdle, "autoupdate_cond+ update_list.txt+ list date+ image date+ type-", false, 1, "betaupdate_cond"}},
		{name: "alpha never", list: "[" + auEntry("n", "$URL/new", "alpha", newer) + "]",
			want: want{AutoupdateUpToDate, StatusIdle, "autoupdate_cond+ update_list.txt+ list date+ image date+ type-", false, 1, "never"}},
		{name: "install refused", install: StatusWrongSignature, list: "[" + auEntry("n", "$URL/new", "release", newer) + "]",
			want: want{AutoupdateRefused, StatusWrongSignature, "autoupdate_cond+ update_list.txt+ list date+ image date+ type+ install-", false, 1, ""}},
		{name: "relative url", list: "[" + auEntry("n", "../new", "release", newer) + "]",
			want: want{AutoupdateInstalled, StatusFinishedOK, "autoupdate_cond+ update_list.txt+ list date+ image date+ type+ install+", true, 1, ""}},
		{name: "unreadable Image_Date counts as oldest", settings: map[string]string{"Image_Date": "garbage"},
			list: "[" + auEntry("n", "$URL/new", "release", newer) + "]",
			want: want{AutoupdateInstalled, StatusFinishedOK, "autoupdate_cond+ update_list.txt+ list date+ image date+ type+ install+", true, 1, ""}},
		{name: "Image_Date in the list form", settings: map[string]string{"Image_Date": imagefmt.FormatListDate(running)},
			list: "[" + auEntry("s", "$URL/same", "release", running) + "]",
			want: want{AutoupdateUpToDate, StatusIdle, "autoupdate_cond+ update_list.txt+ list date-", false, 0, ""}},
		{name: "empty list", list: "[]",
			want: want{AutoupdateUpToDate, StatusIdle, "autoupdate_cond+ update_list.txt-", false, 0, "no image"}},
		{name: "list missing",
			want: want{AutoupdateFailed, StatusFileNotFound, "autoupdate_cond+ update_list.txt-", false, 0, "404"}},
		{name: "list 500", listCode: 500,
			want: want{AutoupdateFailed, StatusReadError, "autoupdate_cond+ update_list.txt-", false, 0, "500"}},
		{name: "list not valid", list: `[{"name":"x"}]`,
			want: want{AutoupdateFailed, StatusInvalidHeader, "autoupdate_cond+ update_list.txt-", false, 0, `field "url"`}},
		{name: "image missing", list: "[" + auEntry("n", "$URL/nothing", "release", newer) + "]",
			want: want{AutoupdateFailed, StatusFileNotFound, "autoupdate_cond+ update_list.txt+ list date+ image date-", false, 1, "404"}},
		{name: "image url not http", list: "[" + auEntry("n", "ftp://127.0.0.1/x", "release", newer) + "]",
			want: want{AutoupdateFailed, StatusIncorrectURL, "autoupdate_cond+ update_list.txt+ list date+ image date-", false, 0, "ftp"}},
		{name: "no autoupdateURL and no manufacturer's", settings: map[string]string{"autoupdateURL": ""},
			want: want{AutoupdateFailed, StatusIncorrectURL, "autoupdate_cond+ update_list.txt-", false, 0, "empty"}},
		{name: "no autoupdateURL: the manufacturer's list", settings: map[string]string{"autoupdateURL": ""}, manufacturer: "$URL/mag254/update_list.txt",
			list: "[" + auEntry("n", "$URL/new", "release", newer) + "]",
			want: want{AutoupdateInstalled, StatusFinishedOK, "autoupdate_cond+ update_list.txt+ list date+ image date+ type+ install+", true, 1, ""}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := newAUServer(t)
			srv.list, srv.listCode = c.list, c.listCode
			srv.images["/new"], srv.images["/old"], srv.images["/same"] = newImg, oldImg, sameImg
			settings := map[string]string{"autoupdate_cond": "0", "betaupdate_cond": "1",
				"Image_Date": imagefmt.FormatHeaderDate(running), "autoupdateURL": srv.URL + "/mag254/"}
			for k, v := range c.settings {
				settings[k] = v
			}
			var installs int
			install := func(ctx context.Context, src Source, opts UpdateOptions) Result {
				installs++
				if opts.Path != PathPortal {
					t.Errorf("install on path %q", opts.Path)
				}
				// The stream handed over is the whole image, from its first byte.
				if st, err := htConsume(ctx, src); st != StatusFinishedOK {
					t.Errorf("install stream: %v %v", st, err)
				}
				st := c.install
				if st == 0 {
					st = StatusFinishedOK
				}
				return Result{Status: st, Text: st.Text(), Installed: st == StatusFinishedOK, Path: opts.Path}
			}
			c.manufacturer = strings.ReplaceAll(c.manufacturer, "$URL", srv.URL)
			var live []AutoupdateStep
			r := runAutoupdate(context.Background(), settings, c.manufacturer, AutoupdateOptions{Confirm: c.confirm,
				Step: func(s AutoupdateStep) { live = append(live, s) }}, install)
			if len(live) != len(r.Steps) {
				t.Errorf("%d steps reported live, %d in the report", len(live), len(r.Steps))
			}
			var steps []string
			for _, s := range r.Steps {
				mark := "-"
				if s.Pass {
					mark = "+"
				}
				steps = append(steps, s.Name+mark)
			}
			got := strings.Join(steps, " ")
			if r.Outcome != c.want.outcome || r.Status != c.want.status || got != c.want.steps {
				t.Fatalf("outcome %s, status %v, steps %q; want %s, %v, %q\n%+v", r.Outcome, r.Status, got,
					c.want.outcome, c.want.status, c.want.steps, r.Steps)
			}
			// The install is called once exactly when the sequence reaches its install step.
			if reached := strings.Contains(c.want.steps, "install"); installs != map[bool]int{false: 0, true: 1}[reached] {
				t.Errorf("install called %d times; the steps %s reach it: %v", installs, c.want.steps, reached)
			}
			if r.Result != nil && r.Result.Installed != c.want.installed {
				t.Errorf("installed %v; want %v", r.Result.Installed, c.want.installed)
			}
			if h := srv.imageHits.Load(); h != c.want.imageHits {
				t.Errorf("image fetched %d times; want %d", h, c.want.imageHits)
			}
			if c.want.says != "" && !strings.Contains(r.Steps[len(r.Steps)-1].Note, c.want.says) {
				t.Errorf("last step %q does not say %q", r.Steps[len(r.Steps)-1].Note, c.want.says)
			}
			if r.Text != r.Status.Text() {
				t.Errorf("text %q", r.Text)
			}
		})
	}
}

func TestListURL(t *testing.T) {
	for in, want := range map[string]string{
		"http://h/mag254/":                   "http://h/mag254/update_list.txt",
		"http://h":                           "http://h/update_list.txt",
		"http://h/update_list.txt":           "http://h/update_list.txt",
		"http://h/custom/list.json":          "http://h/custom/list.json",
		" http://h/x/ ":                      "http://h/x/update_list.txt",
		"":                                   "",
		"http://update.infomir.com/mag/254/": "http://update.infomir.com/mag/254/update_list.txt",
	} {
		if got := ListURL(in); got != want {
			t.Errorf("ListURL(%q) = %q; want %q", in, got, want)
		}
	}
}

// TestAutoupdateComparesDatesNotVersions: RULES.md check 4 says that on the
// portal "Autoupdate compares dates"; the version-number question that a
// manual portal update asks (an older version needs a confirmation) is not
// Autoupdate's. An image with a newer list and header date installs even
// when its Image Version is not higher than the running one.
func TestAutoupdateComparesDatesNotVersions(t *testing.T) {
	b, err := Init(filepath.Join(t.TempDir(), "box"), InitOptions{Model: "MAG254"})
	if err != nil {
		t.Fatal(err)
	}
	running, ok := ParseImageDate(b.Running().Date)
	if !ok {
		t.Fatal(b.Running().Date)
	}
	newer := running.Add(72 * time.Hour).In(testimage.EET())
	for _, version := range []int{b.Running().Version - 1, b.Running().Version} {
		srv := newAUServer(t)
		srv.list = "[" + auEntry("n", "$URL/img", "release", newer) + "]"
		srv.images["/img"] = testimage.Bytes(t, testimage.Spec{Version: version, Date: newer, Desc: fmt.Sprintf("0.2.%d-r99-254", version), Key: testimage.Key(t, "manufacturer")})
		if err := b.SaveSettings(map[string]string{"autoupdate_cond": "0", "autoupdateURL": srv.URL + "/mag254/"}); err != nil {
			t.Fatal(err)
		}
		rep := b.Autoupdate(context.Background(), AutoupdateOptions{})
		if rep.Outcome != AutoupdateInstalled || rep.Status != StatusFinishedOK {
			t.Fatalf("version %d, newer date: %s %v\n%+v", version, rep.Outcome, rep.Status, rep.Steps)
		}
		if got := b.State().Settings["Image_Version"]; got != fmt.Sprint(version) {
			t.Errorf("Image_Version %s after installing version %d", got, version)
		}
		newer = newer.Add(72 * time.Hour)
	}
}
