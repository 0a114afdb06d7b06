package classroom

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// roster is every trainee of the class: those who logged in since the
// server started and those whose folders were found under DIR/trainees.
type roster struct {
	dir      string // DIR/trainees
	exam     *exam  // nil: practice
	mu       sync.Mutex
	trainees map[string]*trainee
}

func newRoster(dir string) (*roster, error) {
	r := &roster{dir: dir, trainees: map[string]*trainee{}}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.IsDir() && CheckName(e.Name()) == nil && e.Name() == strings.ToLower(e.Name()) {
			r.trainees[e.Name()] = newTrainee(e.Name(), filepath.Join(dir, e.Name()))
		}
	}
	return r, nil
}

// claim takes name for one session; ok is false when another session holds it.
func (r *roster) claim(name string) (t *trainee, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	t = r.trainees[name]
	if t == nil {
		t = newTrainee(name, filepath.Join(r.dir, name))
		r.trainees[name] = t
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.online {
		return nil, false
	}
	t.online, t.since, t.current = true, time.Now(), ""
	return t, true
}

// rows is the class as the dashboard shows it, sorted by name.
func (r *roster) rows() []traineeRow {
	r.mu.Lock()
	list := make([]*trainee, 0, len(r.trainees))
	for _, t := range r.trainees {
		list = append(list, t)
	}
	r.mu.Unlock()
	rows := make([]traineeRow, 0, len(list))
	for _, t := range list {
		rows = append(rows, t.row(r.exam))
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Name < rows[j].Name })
	return rows
}

// get is the trainee called name, or nil.
func (r *roster) get(name string) *trainee {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.trainees[name]
}

// all is every trainee.
func (r *roster) all() []*trainee {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]*trainee, 0, len(r.trainees))
	for _, t := range r.trainees {
		out = append(out, t)
	}
	return out
}

// close stops every trainee's update servers and writes their reports.
func (r *roster) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, t := range r.trainees {
		t.close()
	}
}
