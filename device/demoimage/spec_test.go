package demoimage

import (
	"strings"
	"testing"
	"time"
)

func TestDescription(t *testing.T) {
	for _, c := range []struct {
		m    Model
		spec Spec
		want string
	}{
		{mag254, Spec{Version: 218}, "0.2.18-r23-254"},
		{mag254, Spec{Version: 219}, "0.2.19-r1-254"},
		{mag254, Spec{Version: 219, Tag: "pub"}, "0.2.19-r1-pub-254"},
		{mag254, Spec{Version: 218, Tag: "pub"}, "0.2.18-r1-pub-254"},
		{mag254, Spec{Version: 219, Tag: "pub", Model: "MAG322"}, "0.2.19-r1-pub-322"},
		{mag524, Spec{Version: 221}, "2.21.05-r1-524"},
		{mag524, Spec{Version: 222, Tag: "alphatv"}, "2.22.01-r1-alphatv-524"},
		{mag524, Spec{Version: 222, Tag: "pub", Model: "mag254"}, "2.22.01-r1-pub-254"},
	} {
		if got := Description(c.m, c.spec); got != c.want {
			t.Errorf("%s %+v: %q, want %q", c.m.Base, c.spec, got, c.want)
		}
	}
}

func TestDate(t *testing.T) {
	unreadable := mag254
	unreadable.FactoryDate = "yesterday"
	for _, c := range []struct {
		m       Model
		version int
		want    string
		created time.Time
	}{
		{mag254, 218, "Thu Feb 21 00:43:44 EET 2019", time.Date(2019, 2, 20, 22, 43, 44, 0, time.UTC)},
		{mag254, 219, "Sat Mar 23 00:43:44 EET 2019", time.Date(2019, 3, 22, 22, 43, 44, 0, time.UTC)},
		{mag254, 217, "Tue Jan 22 00:43:44 EET 2019", time.Date(2019, 1, 21, 22, 43, 44, 0, time.UTC)},
		{unreadable, 218, "Thu Feb 21 00:43:44 UTC 2019", time.Date(2019, 2, 21, 0, 43, 44, 0, time.UTC)},
	} {
		got, created := Date(c.m, c.version)
		if got != c.want || !created.Equal(c.created) {
			t.Errorf("%q version %d: %q %v, want %q %v", c.m.FactoryDate, c.version, got, created, c.want, c.created)
		}
	}
}

func TestImagesAndLookup(t *testing.T) {
	for _, m := range []Model{mag254, mag524} {
		images := Images(m)
		if len(images) != 17 || images[0].Name != "factory" || images[0].Spec.Version != m.FactoryVersion {
			t.Fatalf("%s: %d images, first %+v", m.Base, len(images), images[0])
		}
		seen := map[string]bool{}
		for _, d := range images {
			if seen[d.Name] || d.Description == "" {
				t.Errorf("%s: image %q repeated or undescribed", m.Base, d.Name)
			}
			seen[d.Name] = true
			got, err := Lookup(m, d.Name)
			if err != nil || got != d {
				t.Errorf("%s: Lookup(%q) = %+v, %v", m.Base, d.Name, got, err)
			}
		}
		// wrong-model names another model; wrong-hash the other generation's hash.
		wm, _ := Lookup(m, "wrong-model")
		wh, _ := Lookup(m, "wrong-hash")
		if wm.Spec.Model == "" || wm.Spec.Model == m.Base || wh.Spec.Hash == 0 || wh.Spec.Hash == m.Hash {
			t.Errorf("%s: wrong-model %q, wrong-hash %v", m.Base, wm.Spec.Model, wh.Spec.Hash)
		}
	}
	_, err := Lookup(mag254, "nothing")
	if err == nil || !strings.HasPrefix(err.Error(), `no demo image "nothing": use one of factory, factory-next, public,`) {
		t.Errorf("unknown image: %v", err)
	}
}
