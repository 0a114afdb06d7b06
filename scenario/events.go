package scenario

import (
	"fmt"
	"sort"
	"strings"
)

// Event is a step the goal requires the trainee to have taken, not only
// the state it leaves: the lesson practised, e.g. Emergency startup used,
// or Forced saved as Yes and later as No. A goal's events must appear in
// the session's successful steps in their order.
type Event struct {
	Action Action
	// Settings, for a set event: the values that step saved.
	Settings map[string]string
}

// String is the event as a goal's used: list writes it.
func (e Event) String() string {
	if len(e.Settings) == 0 {
		return string(e.Action)
	}
	return string(e.Action) + " " + settingsText(e.Settings)
}

// describe is the event in plain words, for Goal.Describe.
func (e Event) describe() string {
	switch e.Action {
	case ActionEmergency:
		return "Emergency startup"
	case ActionSet:
		return "saving " + settingsText(e.Settings)
	case ActionFactoryReset:
		return "a factory reset"
	case ActionSelectBank:
		return "a choice of bank"
	case ActionInstallKey:
		return "Install Op.KEY"
	case ActionResetKey:
		return "Reset Op.KEY"
	}
	return string(e.Action)
}

// settingsText writes settings as NAME=VALUE, sorted by name.
func settingsText(set map[string]string) string {
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n + "=" + set[n]
	}
	return strings.Join(parts, " ")
}

// matches reports whether a successful step r is this event.
func (e Event) matches(r StepRecord) bool {
	if !r.OK || r.Action != string(e.Action) {
		return false
	}
	for n, v := range e.Settings {
		if got, ok := r.Settings[n]; !ok || got != v {
			return false
		}
	}
	return true
}

// eventsMet reports whether steps hold the events in order; when not, why.
func eventsMet(events []Event, steps []StepRecord) (bool, string) {
	i := 0
	for _, r := range steps {
		if i < len(events) && events[i].matches(r) {
			i++
		}
	}
	if i == len(events) {
		return true, ""
	}
	if i == 0 {
		return false, fmt.Sprintf("The box is as the goal says, but the lesson asks for %s, which was not done.", events[0].describe())
	}
	return false, fmt.Sprintf("The box is as the goal says, but the lesson asks for %s after %s, which was not done.", events[i].describe(), events[i-1].describe())
}

// parseEvent reads "emergency" or "set Ver_Forced=Yes".
func parseEvent(s string) (Event, error) {
	fields := strings.Fields(s)
	if len(fields) == 0 {
		return Event{}, fmt.Errorf("an empty event")
	}
	e := Event{Action: Action(fields[0])}
	known := false
	for _, a := range eventActions() {
		if a == e.Action {
			known = true
		}
	}
	if !known {
		names := make([]string, len(eventActions()))
		for i, a := range eventActions() {
			names[i] = string(a)
		}
		return e, fmt.Errorf("unknown event %q: use one of %s", clip(fields[0]), strings.Join(names, ", "))
	}
	for _, kv := range fields[1:] {
		n, v, ok := strings.Cut(kv, "=")
		if !ok || n == "" || e.Action != ActionSet {
			return e, fmt.Errorf("%q: only a set event takes NAME=VALUE", clip(kv))
		}
		if e.Settings == nil {
			e.Settings = map[string]string{}
		}
		e.Settings[n] = v
	}
	if e.Action == ActionSet && len(e.Settings) == 0 {
		return e, fmt.Errorf("a set event names what was saved: set NAME=VALUE")
	}
	return e, nil
}

// eventActions are the steps a goal may require.
func eventActions() []Action {
	return []Action{ActionEmergency, ActionSet, ActionFactoryReset, ActionSelectBank, ActionInstallKey, ActionResetKey}
}
