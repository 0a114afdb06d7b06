package tui

import (
	"bytes"
	"testing"

	"github.com/stbrecovery/stbrecovery/device/demoimage"
)

// TestFlowSettingsThenCheckNow: on a box that still looks for the
// manufacturer's server, the person turns Autoupdate on and types the
// operator's list URL in Settings › Software update (a wrong URL first,
// refused with the reason), then Check now installs the newer release.
func TestFlowSettingsThenCheckNow(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	url := updateServer(t, tb, "factory-next")
	s := start(t, Env{Box: tb.box}, false, 100, 30)
	s.run([]step{
		{wait: []string{"Home"}},
		{keys: []string{"enter", "enter"}, wait: []string{"Check now", "Autoupdate URL"}},
		{down: 3, keys: []string{"enter"}, wait: []string{"Saved: Autoupdate Off (autoupdate_cond=2)."}},
		{keys: []string{"right"}, wait: []string{"Saved: Autoupdate On (autoupdate_cond=0)."}},
		{down: 2, keys: []string{"enter"}, wait: []string{"Autoupdate URL:", "update_list.txt"}},
		{keys: []string{"ctrl+u"}, text: "not a url", wait: []string{"not a url"}},
		{keys: []string{"enter"}, wait: []string{"Not saved:", "takes an absolute address"}},
		{keys: []string{"ctrl+u"}, text: "$URL/mag254/update_list.txt"},
		{keys: []string{"enter"}, wait: []string{"Saved: Autoupdate URL " + url + "/mag254/update_list.txt."}},
		{down: 4, keys: []string{"enter"}, wait: []string{"installed", "16 Update finished OK"}},
	}, url)
	if err := tb.box.Reload(); err != nil {
		t.Fatal(err)
	}
	st := tb.box.State()
	if st.Settings["autoupdate_cond"] != "0" || st.Settings["autoupdateURL"] != url+"/mag254/update_list.txt" {
		t.Errorf("settings after the screens: autoupdate_cond=%s autoupdateURL=%s", st.Settings["autoupdate_cond"], st.Settings["autoupdateURL"])
	}
	if st.Active != 1 || st.Banks[1].Image == nil || st.Banks[1].Image.Version != tb.model.FactoryVersion+1 {
		t.Errorf("Check now did not install the newer release: active %d, %+v", st.Active, st.Banks[1].Image)
	}
}

// TestFlowBetaSettingCycles: Update to beta versions turns betaupdate_cond
// off and on again, each saved at once.
func TestFlowBetaSettingCycles(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	s := start(t, Env{Box: tb.box}, false, 80, 24)
	s.run([]step{
		{wait: []string{"Home"}},
		{keys: []string{"enter", "enter"}, wait: []string{"Update to beta versions"}},
		{down: 4, keys: []string{"right"}, wait: []string{"Saved: Update to beta versions No (betaupdate_cond=0)."}},
	}, "")
	if err := tb.box.Reload(); err != nil {
		t.Fatal(err)
	}
	if v := tb.box.State().Settings["betaupdate_cond"]; v != "0" {
		t.Fatalf("betaupdate_cond=%s after the screen saved No", v)
	}
	s.run([]step{{keys: []string{"enter"}, wait: []string{"Saved: Update to beta versions Yes (betaupdate_cond=1)."}}}, "")
	if err := tb.box.Reload(); err != nil {
		t.Fatal(err)
	}
	if v := tb.box.State().Settings["betaupdate_cond"]; v != "1" {
		t.Fatalf("betaupdate_cond=%s after the screen saved Yes", v)
	}
}

// TestInspectorMarksChangedSettings: the inspector marks each setting that
// differs from the factory settings, and one removed.
func TestInspectorMarksChangedSettings(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	if err := tb.box.Set(map[string]string{"autoupdate_cond": "0", "language": ""}); err != nil {
		t.Fatal(err)
	}
	s := start(t, Env{Box: tb.box}, false, 120, 50)
	s.run([]step{
		{wait: []string{"Home"}},
		{keys: []string{"i"}, wait: []string{"* autoupdate_cond=0", "* language removed (factory: en)", "changed since the factory settings", "  betaupdate_cond=1"}},
	}, "")
}

// TestFlowEnvSectionShown: an image installed from the portal lists what its
// Env section changed and skipped, and the box holds the new setting.
func TestFlowEnvSectionShown(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	var buf bytes.Buffer
	env := "autoupdateURL=http://ops.example/mag254/update_list.txt\nserial#=0000\n"
	if err := demoimage.Build(&buf, tb.keys, tb.model.DemoModel(), demoimage.Spec{Signer: "manufacturer", Version: tb.model.FactoryVersion + 1, Env: env}); err != nil {
		t.Fatal(err)
	}
	tb.stick(t, buf.Bytes())
	s := start(t, Env{Box: tb.box, USBDir: tb.usb}, false, 100, 30)
	s.run(portalUSB(step{wait: []string{"Settings from the image's Env section:",
		"autoupdateURL=http://ops.example/mag254/update_list.txt (was http://update.infomir.com",
		"serial#=0000 skipped: the box sets serial# itself"}}), "")
	if err := tb.box.Reload(); err != nil {
		t.Fatal(err)
	}
	if got := tb.box.State().Settings["autoupdateURL"]; got != "http://ops.example/mag254/update_list.txt" {
		t.Errorf("autoupdateURL=%s after the install", got)
	}
}
