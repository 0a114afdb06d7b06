// Package device is the simulated set-top box: the model catalogue
// (catalogue.go), the persisted state of a box in a home folder (state.go,
// box.go, settings.go), the keys it trusts (keys.go), the rules of RULES.md
// as one pure decision function (rules.go, with the decision matrix in
// matrix.go), the install pipeline (install.go, bankwriter.go), power-on
// (boot.go) and the sources an image comes from (usb.go, http.go). The demo
// keys and the demo image builder, which the box's factory image
// (factoryimage.go) and the rules' matrix are made with, are package
// device/demoimage; the update server is package device/updateserver; the
// demo USB stick and the demo server's folder are package device/demokit.
//
// Where the sources are silent the package makes a choice; every such choice
// is listed in choices.go. The package prints nothing: it returns results,
// errors and progress events.
package device
