package imagefmt

// The two date forms of the update system: the header's Date line, which is
// the output of `date` on the machine that built the image, and the date of an
// update_list.txt entry ("dd Mon yyyy hh:mm:ss GMT+nnnn", seed
// autoupdate-module.txt), which is meant to be the header date rewritten.

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrBadDate is wrapped by every date parsing error.
var ErrBadDate = errors.New("bad date")

// maxDateLen bounds the text a date parser looks at; dates are short.
const maxDateLen = 128

var monthNames = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

var weekdayNames = [...]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}

// zoneOffsets are the abbreviations `date` prints for the time zones an image
// is likely to be built in, with their offsets east of UTC in minutes. An
// abbreviation that means two zones is read as the one `date` prints most
// often: CST is US Central, AST Atlantic, IST India.
var zoneOffsets = map[string]int{
	"UTC": 0, "UT": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 60, "BST": 60, "IST": 330,
	"CET": 60, "CEST": 120, "MET": 60, "MEST": 120, "EET": 120, "EEST": 180,
	"MSK": 180, "MSD": 240, "SAMT": 240, "YEKT": 300, "OMST": 360, "NOVT": 420, "KRAT": 420,
	"IRKT": 480, "YAKT": 540, "VLAT": 600, "MAGT": 660, "PETT": 720, "TRT": 180,
	"SAST": 120, "CAT": 120, "EAT": 180, "WAT": 60, "IDT": 180, "PKT": 300, "WIB": 420,
	"HKT": 480, "JST": 540, "KST": 540, "AWST": 480, "ACST": 570, "ACDT": 630,
	"AEST": 600, "AEDT": 660, "NZST": 720, "NZDT": 780,
	"NST": -210, "NDT": -150, "AST": -240, "ADT": -180, "EST": -300, "EDT": -240,
	"CST": -360, "CDT": -300, "MST": -420, "MDT": -360, "PST": -480, "PDT": -420,
	"AKST": -540, "AKDT": -480, "HST": -600,
}

// HeaderDate is a header Date line read as a time.
type HeaderDate struct {
	Time time.Time // the instant, in a fixed zone with the offset the text gives
	Zone string    // the zone as written: "EET", "+03", …
	// ZoneKnown is false when Zone is an abbreviation this package does not
	// know; Time is then read as if the clock showed UTC, so two dates may
	// compare up to a day apart from the truth.
	ZoneKnown bool
}

// headerLayouts are the forms `date` writes, without the zone, which is
// read apart (see ParseHeaderDate): the C locale, the same without a weekday,
// newer en_US with and without AM/PM, and RFC 1123.
var headerLayouts = [...]string{
	"Mon Jan _2 15:04:05 2006",
	"Jan _2 15:04:05 2006",
	"Mon _2 Jan 2006 03:04:05 PM",
	"_2 Jan 2006 03:04:05 PM",
	"Mon _2 Jan 2006 15:04:05",
	"_2 Jan 2006 15:04:05",
	"Mon, _2 Jan 2006 15:04:05",
}

// ParseHeaderDate reads a header Date line, the output of `date` in the
// en_US or C locale: "Thu Feb 21 00:43:44 EET 2019", also
// "Thu 21 Feb 2019 12:43:44 AM EET" (newer en_US), RFC 1123
// ("Thu, 21 Feb 2019 00:43:44 EET") and numeric zones ("+03", "+0530",
// "-05:00"). The zone is taken out and read with the zone table, the rest with
// time.Parse. The weekday is optional and, when present, must agree with the
// date. An unknown zone abbreviation is not an error: the time is read as UTC
// and ZoneKnown is false (see HeaderDate).
func ParseHeaderDate(s string) (HeaderDate, error) {
	if len(s) > maxDateLen {
		return HeaderDate{}, fmt.Errorf("%w: %d bytes is too long for a date", ErrBadDate, len(s))
	}
	var (
		rest   []string
		zone   string
		offset int
		known  bool
	)
	for _, tok := range strings.Fields(s) {
		switch {
		case tok[0] == '+' || tok[0] == '-':
			off, err := numericZone(tok)
			if err != nil {
				return HeaderDate{}, fmt.Errorf("%w: %q: zone %q: %v", ErrBadDate, clip(s), clip(tok), err)
			}
			if zone != "" {
				return HeaderDate{}, fmt.Errorf("%w: %q has two time zones", ErrBadDate, clip(s))
			}
			zone, offset, known = tok, off, true
		case isZoneName(tok) && lookupName(tok, monthNames[:]) < 0 && lookupName(tok, weekdayNames[:]) < 0 &&
			!strings.EqualFold(tok, "AM") && !strings.EqualFold(tok, "PM"):
			if zone != "" {
				return HeaderDate{}, fmt.Errorf("%w: %q: unexpected %q; want a date like \"Thu Feb 21 00:43:44 EET 2019\"", ErrBadDate, clip(s), clip(tok))
			}
			zone = tok
			offset, known = zoneOffsets[strings.ToUpper(tok)]
		default:
			if strings.EqualFold(tok, "AM") || strings.EqualFold(tok, "PM") {
				tok = strings.ToUpper(tok)
			}
			if strings.Count(tok, ":") == 2 && strings.HasSuffix(tok, ":60") {
				// A leap second reads as the second before it.
				tok = strings.TrimSuffix(tok, "60") + "59"
			}
			rest = append(rest, tok)
		}
	}
	if zone == "" {
		return HeaderDate{}, fmt.Errorf("%w: %q has no time zone", ErrBadDate, clip(s))
	}
	t, layout, err := parseLayouts(strings.Join(rest, " "), headerLayouts[:])
	if err != nil {
		return HeaderDate{}, fmt.Errorf("%w: %q: %v; want a date like \"Thu Feb 21 00:43:44 EET 2019\"", ErrBadDate, clip(s), err)
	}
	t, err = inZone(t, offset, zone)
	if err != nil {
		return HeaderDate{}, fmt.Errorf("%w: %q: %v", ErrBadDate, clip(s), err)
	}
	if strings.HasPrefix(layout, "Mon") {
		// time.Parse checks the weekday's spelling only.
		if w := lookupName(strings.TrimSuffix(rest[0], ","), weekdayNames[:]); w != int(t.Weekday()) {
			return HeaderDate{}, fmt.Errorf("%w: %q: %d %s %d is a %s, not a %s", ErrBadDate, clip(s), t.Day(), monthNames[t.Month()-1], t.Year(), weekdayNames[t.Weekday()], weekdayNames[w])
		}
	}
	return HeaderDate{Time: t, Zone: zone, ZoneKnown: known}, nil
}

// parseLayouts reads s, a date without its zone, with the first layout that
// fits, as a clock time in UTC. A field out of range is named.
func parseLayouts(s string, layouts []string) (time.Time, string, error) {
	for _, l := range layouts {
		t, err := time.ParseInLocation(l, s, time.UTC)
		if err == nil {
			return t, l, nil
		}
		var pe *time.ParseError
		if errors.As(err, &pe) && pe.Message != "" {
			// A field out of range in a layout that fits: say which.
			return time.Time{}, "", errors.New(strings.TrimPrefix(pe.Message, ": "))
		}
	}
	return time.Time{}, "", errors.New("not a date")
}

// inZone gives the clock time t (read as UTC) the offset of its zone, and
// refuses years a box cannot hold.
func inZone(t time.Time, offsetMin int, zone string) (time.Time, error) {
	if y := t.Year(); y < 1970 || y > 9999 {
		return time.Time{}, fmt.Errorf("year %d is out of range", y)
	}
	if zone == "" {
		zone = formatOffset(offsetMin, false)
	}
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.FixedZone(zone, offsetMin*60)), nil
}

// FormatHeaderDate writes t as `date` does in the C locale, with a numeric
// zone when the zone has no abbreviation: "Thu Feb 21 00:43:44 EET 2019".
func FormatHeaderDate(t time.Time) string {
	name, off := t.Zone()
	if !isZoneName(name) || zoneOffsets[strings.ToUpper(name)] != off/60 {
		name = formatOffset(off/60, false)
	}
	return fmt.Sprintf("%s %s %2d %02d:%02d:%02d %s %04d", weekdayNames[t.Weekday()], monthNames[t.Month()-1],
		t.Day(), t.Hour(), t.Minute(), t.Second(), name, t.Year())
}

// ParseListDate reads the date of an update_list.txt entry:
// "10 Nov 2017 20:05:35 GMT+0200". Spaces around the sign and after the
// colons are tolerated, since the seed's own description of the format
// writes "hh: mm: ss GMT + nnnn"; "UTC" is taken for "GMT", and a bare
// "GMT" means +0000.
func ParseListDate(s string) (time.Time, error) {
	if len(s) > maxDateLen {
		return time.Time{}, fmt.Errorf("%w: %d bytes is too long for a date", ErrBadDate, len(s))
	}
	bad := func(why string) (time.Time, error) {
		return time.Time{}, fmt.Errorf("%w: %q: %s; want \"dd Mon yyyy hh:mm:ss GMT+nnnn\"", ErrBadDate, clip(s), why)
	}
	f := strings.Fields(squeeze(s))
	if len(f) != 5 {
		return bad(fmt.Sprintf("%d parts, want 5", len(f)))
	}
	z := strings.ToUpper(f[4])
	var rest string
	switch {
	case strings.HasPrefix(z, "GMT"):
		rest = z[3:]
	case strings.HasPrefix(z, "UTC"):
		rest = z[3:]
	default:
		return bad("the zone does not start with GMT")
	}
	off := 0
	if rest != "" {
		if len(rest) != 5 || (rest[0] != '+' && rest[0] != '-') {
			return bad(fmt.Sprintf("zone %q is not GMT+nnnn", clip(f[4])))
		}
		var err error
		if off, err = numericZone(rest); err != nil {
			return bad(err.Error())
		}
	}
	if strings.HasSuffix(f[3], ":60") {
		f[3] = strings.TrimSuffix(f[3], "60") + "59" // a leap second reads as the second before it
	}
	t, _, err := parseLayouts(strings.Join(f[:4], " "), []string{"_2 Jan 2006 15:04:05"})
	if err != nil {
		return bad(err.Error())
	}
	if t, err = inZone(t, off, ""); err != nil {
		return bad(err.Error())
	}
	return t, nil
}

// FormatListDate writes t in the update_list.txt form, keeping t's own
// offset: "10 Nov 2017 20:05:35 GMT+0200".
func FormatListDate(t time.Time) string {
	_, off := t.Zone()
	return fmt.Sprintf("%02d %s %04d %02d:%02d:%02d GMT%s", t.Day(), monthNames[t.Month()-1], t.Year(),
		t.Hour(), t.Minute(), t.Second(), formatOffset(off/60, true))
}

// ListDateFromHeader converts a header Date line into the update_list.txt
// form, keeping its clock time and offset ("Thu Feb 21 00:43:44 EET 2019"
// becomes "21 Feb 2019 00:43:44 GMT+0200").
func ListDateFromHeader(s string) (string, error) {
	d, err := ParseHeaderDate(s)
	if err != nil {
		return "", err
	}
	return FormatListDate(d.Time), nil
}

// squeeze removes the spaces around '+', '-' and ':' so that "GMT + 0200"
// and "20: 05: 35" read as one token each.
func squeeze(s string) string {
	var b strings.Builder
	fields := strings.Fields(s)
	for i, f := range fields {
		if i > 0 {
			prev := fields[i-1]
			joins := strings.HasSuffix(prev, "+") || strings.HasSuffix(prev, "-") || strings.HasSuffix(prev, ":") ||
				f[0] == '+' || f[0] == '-' || f[0] == ':'
			if !joins {
				b.WriteByte(' ')
			}
		}
		b.WriteString(f)
	}
	return b.String()
}

// numericZone reads "+03", "+0530", "-05:00" as minutes east of UTC.
func numericZone(tok string) (int, error) {
	sign := 1
	switch tok[0] {
	case '-':
		sign = -1
	case '+':
	default:
		return 0, fmt.Errorf("no sign")
	}
	d := strings.ReplaceAll(tok[1:], ":", "")
	if !isDigits(d) || (len(d) != 2 && len(d) != 4) {
		return 0, fmt.Errorf("want +hh or +hhmm")
	}
	h, m := atoi(d[:2]), 0
	if len(d) == 4 {
		m = atoi(d[2:])
	}
	if h > 14 || m > 59 {
		return 0, fmt.Errorf("offset out of range")
	}
	return sign * (h*60 + m), nil
}

func formatOffset(min int, long bool) string {
	sign := '+'
	if min < 0 {
		sign, min = '-', -min
	}
	if !long && min%60 == 0 {
		return fmt.Sprintf("%c%02d", sign, min/60)
	}
	return fmt.Sprintf("%c%02d%02d", sign, min/60, min%60)
}

func lookupName(tok string, names []string) int {
	for i, n := range names {
		if strings.EqualFold(tok, n) {
			return i
		}
	}
	return -1
}

// isZoneName accepts what `date` prints as a zone abbreviation: 1–6 letters.
func isZoneName(s string) bool {
	if len(s) == 0 || len(s) > 6 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// atoi reads a short run of digits checked by isDigits.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
