package device

import (
	"bytes"
	"io"
	"reflect"
	"testing"

	"github.com/stbrecovery/stbrecovery/device/demoimage"
)

// TestPreflightFileEqualsStream: a seekable image (its blocks read first, so
// that each section is hashed once) and the same image as a stream (every
// section hashed with SHA-1 and SHA-256) get the same preflight, for every
// demo image.
func TestPreflightFileEqualsStream(t *testing.T) {
	f := newFixture(t)
	for _, model := range []string{"MAG254", "MAG424"} {
		m := f.model(model)
		for _, d := range demoimage.Images(m.DemoModel()) {
			if d.Spec.Cut {
				continue
			}
			data := f.image(m, d.Spec)
			file, err := RunPreflight(bytes.NewReader(data), int64(len(data)), PreflightOptions{Model: m.Name})
			if err != nil {
				t.Fatalf("%s %s: %v", model, d.Name, err)
			}
			stream, err := RunPreflight(struct{ io.Reader }{bytes.NewReader(data)}, int64(len(data)), PreflightOptions{Model: m.Name})
			if err != nil {
				t.Fatalf("%s %s as a stream: %v", model, d.Name, err)
			}
			if !reflect.DeepEqual(file, stream) {
				t.Errorf("%s %s: the file's preflight\n%+v\ndiffers from the stream's\n%+v", model, d.Name, file, stream)
			}
		}
	}
}
