// Package demoimage builds the demo imageupdate files and holds the demo keys
// that sign them: the keys of every role with their secret parts, as the
// assets ship them (keys.go), the named demo images of a model, good ones and
// the ones a box refuses (images.go), and the reproducible builder that turns
// a Spec into the bytes of an image (build.go, with its RootFS in rootfs.go
// and its deterministic filler in fill.go). The same Spec always gives the
// same bytes. It knows a model only by the few facts an image needs (Model),
// so that the box (package device) can build its factory image with it.
package demoimage
