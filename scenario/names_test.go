package scenario

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/demoimage"
)

// TestNamesFromDevice: the settings a scenario saves and the keys it names
// are the box's own; a file may use each of them.
func TestNamesFromDevice(t *testing.T) {
	names := scenarioSettings()
	if len(names) < 10 {
		t.Fatalf("only %d settings: %v", len(names), names)
	}
	for _, n := range names {
		value := "http://example.invalid/x"
		if ch := device.SettingChoices(n); ch != nil {
			value = ch[len(ch)-1]
		}
		if err := device.CheckSetting(n, value, false); err != nil {
			t.Errorf("%s: the box refuses %q: %v", n, value, err)
		}
		data := strings.Replace(good, `autoupdate_cond: "0"`, fmt.Sprintf("%s: %q", n, value), 1)
		sc, err := Parse("settings.yaml", []byte(data))
		if err != nil {
			t.Errorf("%s: %v", n, err)
		} else if sc.Box.Settings[n] != value {
			t.Errorf("%s read as %q", n, sc.Box.Settings[n])
		}
	}
	for _, k := range demoimage.KeyNames() {
		data := strings.Replace(good, "    kind: public\n", "    signer: "+k+"\n", 1)
		if _, err := Parse("signer.yaml", []byte(data)); err != nil {
			t.Errorf("signer %s: %v", k, err)
		}
	}
	_, err := Parse("signer.yaml", []byte(strings.Replace(good, "    kind: public\n", "    signer: nobody\n", 1)))
	if want := "unknown key \"nobody\" (use " + orList(demoimage.KeyNames()) + ")"; err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("unknown signer: %v; want it to end %s", err, want)
	}
}
