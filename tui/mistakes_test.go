package tui

import (
	"bytes"
	"crypto"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/demoimage"
	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// TestNamedMistakeScreen: the refusal screen says each named mistake of a
// Custom image, and of a Global block no key made, in its explanation.
func TestNamedMistakeScreen(t *testing.T) {
	keys, err := demoimage.LoadKeys()
	if err != nil {
		t.Fatal(err)
	}
	m, _ := device.LookupModel("MAG254")
	v := m.FactoryVersion + 1
	image := func(spec demoimage.Spec) []byte {
		var buf bytes.Buffer
		if err := demoimage.Build(&buf, keys, m.DemoModel(), spec); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	noKey := image(demoimage.Spec{Signer: "stb_public", Custom: "custom_alpha", Carry: "none", Version: v + 1, Tag: "alphatv"})
	runScreenCases(t, []screenCase{
		{name: "NoCustomKeyR1", model: "MAG254", raw: noKey, menu: true, w: 100, h: 30, steps: usbBootstrap(
			step{wait: []string{"Wrong digital signature", "etc/custom_key.pub", "--custom-key"}},
		)},
		{name: "NoCustomKeyR5", model: "MAG254", init: runningDemo("custom-alpha"), raw: noKey, w: 100, h: 30, steps: portalUSB(
			step{wait: []string{"17 Wrong signature", "etc/custom_key.pub", "--custom-key"}},
		)},
		{name: "CustomKeyDiffers", model: "MAG254", init: runningDemo("custom-alpha"),
			raw: image(demoimage.Spec{Signer: "stb_public", Custom: "custom_alpha", Carry: "custom_beta", Version: v + 1, Tag: "alphatv"}), w: 100, h: 30, steps: portalUSB(
				step{wait: []string{"17 Wrong signature", "CUSTOM_BETA", "etc/custom_key.pub"}},
			)},
		{name: "GlobalByCustomKey", model: "MAG254",
			raw: image(demoimage.Spec{Signer: "custom_alpha", Custom: "custom_alpha", Version: v, Tag: "alphatv"}), menu: true, w: 100, h: 30, steps: usbBootstrap(
				step{wait: []string{"Wrong digital signature", "Global", "CUSTOM_ALPHA", "--custom-key"}},
			)},
		{name: "GlobalChanged", model: "MAG254",
			raw: image(demoimage.Spec{Signer: "stb_public", Version: v, Tag: "pub", TamperGlobal: true}), menu: true, w: 100, h: 30, steps: usbBootstrap(
				step{wait: []string{"Wrong digital signature", "rebuild"}},
			)},
	})
}

// TestNamedMistakeCertifier: Install Op.KEY with an operator key certified
// by STB_PUBLIC names STB_PUBLIC as the certifier, and MANUFACTURER as the
// only one a box accepts.
func TestNamedMistakeCertifier(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	cert, err := imagefmt.Certify(tb.keys.Public, tb.keys.OperatorTwo, crypto.SHA256, time.Unix(1550000000, 0))
	if err != nil {
		t.Fatal(err)
	}
	tb.putFile(t, "keys/operator_two.key", cert)
	s := start(t, Env{Box: tb.box, USBDir: tb.usb}, true, 100, 30)
	s.waitFor("Press m (MENU)")
	blInstallOpKey(s)
	s.keys("enter", "y") // y answers the question a newer Install Op.KEY asks first; here it does nothing
	s.waitFor("1 Signature init error", "rule R7", "is certified by STB_PUBLIC", "accepts only a certification made by MANUFACTURER")
	s.golden()
}
