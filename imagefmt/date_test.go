package imagefmt

import (
	"errors"
	"testing"
	"time"
)

func TestParseHeaderDate(t *testing.T) {
	cases := []struct {
		in    string
		utc   string // RFC 3339 in UTC; "" means an error is expected
		known bool
	}{
		{"Thu Feb 21 00:43:44 EET 2019", "2019-02-20T22:43:44Z", true},
		{"Thu Feb 21 00:43:44 EEST 2019", "2019-02-20T21:43:44Z", true},
		{"Tue Mar  5 10:00:00 MSK 2019", "2019-03-05T07:00:00Z", true},
		{"Tue Mar 5 10:00:00 UTC 2019", "2019-03-05T10:00:00Z", true},
		{"Tue Mar 5 10:00:00 PST 2019", "2019-03-05T18:00:00Z", true},
		{"Tue Mar 5 10:00:00 +03 2019", "2019-03-05T07:00:00Z", true},
		{"Tue Mar 5 10:00:00 +0530 2019", "2019-03-05T04:30:00Z", true},
		{"Mar 5 10:00:00 CET 2019", "2019-03-05T09:00:00Z", true},
		{"Thu 21 Feb 2019 12:43:44 AM EET", "2019-02-20T22:43:44Z", true},
		{"Thu 21 Feb 2019 01:43:44 PM EET", "2019-02-21T11:43:44Z", true},
		{"Tue Mar 5 10:00:00 XYZT 2019", "2019-03-05T10:00:00Z", false},
		{"Wed Feb 21 00:43:44 EET 2019", "", false}, // wrong weekday
		{"Thu Feb 30 00:43:44 EET 2019", "", false},
		{"Thu Feb 21 24:43:44 EET 2019", "", false},
		{"Thu Feb 21 00:43 EET 2019", "", false},
		{"Thu Feb 21 00:43:44 2019", "", false},
		{"Thu Feb 21 00:43:44 EET", "", false},
		{"", "", false},
		{"Thu Feb 21 00:43:44 EET 2019 extra", "", false},
		{"Thu Feb 21 13:43:44 PM EET 2019", "", false},
		{"Thu, 21 Feb 2019 00:43:44 EET", "2019-02-20T22:43:44Z", true},
		{"Fri, 21 Feb 2019 00:43:44 EET", "", false}, // RFC 1123, wrong weekday
		{"Thu Feb 21 00:43:44 eet 2019", "2019-02-20T22:43:44Z", true},
		{"Thu Feb 21 00:43:44 -05:00 2019", "2019-02-21T05:43:44Z", true},
		{"Thu Feb 21 23:59:60 UTC 2019", "2019-02-21T23:59:59Z", true},
		{"Thu Feb 21 00:43:44 EET MSK 2019", "", false},
		{"Thu Feb 21 00:43:44 +02 +03 2019", "", false},
		{"EET Thu Feb 21 00:43:44 2019", "2019-02-20T22:43:44Z", true}, // the zone is read wherever it stands
		{"Thu Feb 21 00:43:44 EET 1969", "", false},
		{"Thu Feb 21 00:43:61 EET 2019", "", false},
	}
	for _, c := range cases {
		d, err := ParseHeaderDate(c.in)
		if c.utc == "" {
			if err == nil || !errors.Is(err, ErrBadDate) {
				t.Errorf("ParseHeaderDate(%q) = %v, %v; want an ErrBadDate", c.in, d.Time, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseHeaderDate(%q): %v", c.in, err)
			continue
		}
		if got := d.Time.UTC().Format(time.RFC3339); got != c.utc || d.ZoneKnown != c.known {
			t.Errorf("ParseHeaderDate(%q) = %s known=%v; want %s known=%v", c.in, got, d.ZoneKnown, c.utc, c.known)
		}
	}
}

func TestParseListDate(t *testing.T) {
	cases := []struct{ in, utc string }{
		{"10 Nov 2017 20:05:35 GMT+0200", "2017-11-10T18:05:35Z"},
		{"31 Dec 2016 23:59:60 GMT", "2016-12-31T23:59:59Z"},
		{"10 Nov 2017 24:05:35 GMT+0200", ""},
		{"10 Nov 1969 20:05:35 GMT+0200", ""},
		{"10 Nov 2017 20:05:35 GMT + 0200", "2017-11-10T18:05:35Z"},
		{"10 Nov 2017 20: 05: 35 GMT + 0200", "2017-11-10T18:05:35Z"},
		{"26 Nov 2012 23:22:19 GMT+0200", "2012-11-26T21:22:19Z"},
		{"1 Jan 2020 00:00:00 GMT-0530", "2020-01-01T05:30:00Z"},
		{"1 Jan 2020 00:00:00 GMT", "2020-01-01T00:00:00Z"},
		{"1 jan 2020 00:00:00 utc+0000", "2020-01-01T00:00:00Z"},
		{"31 Apr 2020 00:00:00 GMT+0200", ""},
		{"10 Nov 17 20:05:35 GMT+0200", ""},
		{"10 Nov 2017 20:05:35 EET", ""},
		{"10 Nov 2017 20:05:35 GMT+02", ""},
		{"10 Nov 2017 20:05:35 GMT+2400", ""},
		{"Fri 10 Nov 2017 20:05:35 GMT+0200", ""},
		{"", ""},
	}
	for _, c := range cases {
		got, err := ParseListDate(c.in)
		if c.utc == "" {
			if err == nil || !errors.Is(err, ErrBadDate) {
				t.Errorf("ParseListDate(%q) = %v, %v; want an ErrBadDate", c.in, got, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseListDate(%q): %v", c.in, err)
			continue
		}
		if s := got.UTC().Format(time.RFC3339); s != c.utc {
			t.Errorf("ParseListDate(%q) = %s; want %s", c.in, s, c.utc)
		}
	}
}

func TestListDateFromHeader(t *testing.T) {
	for in, want := range map[string]string{
		"Thu Feb 21 00:43:44 EET 2019":   "21 Feb 2019 00:43:44 GMT+0200",
		"Mon Jul  1 09:05:00 PDT 2019":   "01 Jul 2019 09:05:00 GMT-0700",
		"Mon Jul  1 09:05:00 +0545 2019": "01 Jul 2019 09:05:00 GMT+0545",
	} {
		got, err := ListDateFromHeader(in)
		if err != nil || got != want {
			t.Errorf("ListDateFromHeader(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ListDateFromHeader("yesterday"); err == nil {
		t.Error("ListDateFromHeader(yesterday) succeeded")
	}
}

func TestFormatHeaderDate(t *testing.T) {
	eet := time.FixedZone("EET", 7200)
	if got, want := FormatHeaderDate(time.Date(2019, 2, 21, 0, 43, 44, 0, eet)), "Thu Feb 21 00:43:44 EET 2019"; got != want {
		t.Errorf("FormatHeaderDate = %q; want %q", got, want)
	}
	odd := time.FixedZone("", -(2*3600 + 30*60))
	got := FormatHeaderDate(time.Date(2019, 2, 1, 0, 43, 44, 0, odd))
	if got != "Fri Feb  1 00:43:44 -0230 2019" {
		t.Errorf("FormatHeaderDate = %q", got)
	}
}

func FuzzParseHeaderDate(f *testing.F) {
	for _, s := range []string{"Thu Feb 21 00:43:44 EET 2019", "Thu 21 Feb 2019 12:43:44 AM EET", "Tue Mar  5 10:00:00 +0530 2019", "Tue Mar 5 10:00:00 XYZ 2019"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseHeaderDate(s)
		if err != nil {
			if !errors.Is(err, ErrBadDate) {
				t.Fatalf("error %v does not wrap ErrBadDate", err)
			}
			return
		}
		// What was read writes back and reads again as the same instant.
		back := FormatHeaderDate(d.Time)
		d2, err := ParseHeaderDate(back)
		if err != nil {
			t.Fatalf("%q read, written as %q, which does not read: %v", s, back, err)
		}
		if !d2.Time.Equal(d.Time) {
			t.Fatalf("%q: %v, written as %q, reads as %v", s, d.Time, back, d2.Time)
		}
		lt, err := ParseListDate(FormatListDate(d.Time))
		if err != nil || !lt.Equal(d.Time) {
			t.Fatalf("%q: list form %q reads as %v, %v", s, FormatListDate(d.Time), lt, err)
		}
	})
}

func FuzzParseListDate(f *testing.F) {
	for _, s := range []string{"10 Nov 2017 20:05:35 GMT+0200", "10 Nov 2017 20:05:35 GMT + 0200", "1 Jan 2020 00:00:00 GMT"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseListDate(s)
		if err != nil {
			if !errors.Is(err, ErrBadDate) {
				t.Fatalf("error %v does not wrap ErrBadDate", err)
			}
			return
		}
		back := FormatListDate(got)
		again, err := ParseListDate(back)
		if err != nil || !again.Equal(got) || FormatListDate(again) != back {
			t.Fatalf("%q reads as %v, written %q, reads back as %v, %v", s, got, back, again, err)
		}
	})
}
