package tui

import "github.com/charmbracelet/bubbles/key"

// KeyMap is the remote control on the keyboard (SCREENS.md "Remote control →
// keyboard"). The same bindings feed bubbles/help, so the help line is always
// the real key map.
type KeyMap struct {
	Move      key.Binding // help only: ↑/↓
	Up        key.Binding
	Down      key.Binding
	Left      key.Binding
	Right     key.Binding
	OK        key.Binding
	Exit      key.Binding
	Menu      key.Binding
	Service   key.Binding
	Power     key.Binding
	USB       key.Binding
	Files     key.Binding // the stick as a PC sees it
	Inspector key.Binding
	Help      key.Binding
	Quit      key.Binding
	Scroll    key.Binding
	Tab       key.Binding
	Yes       key.Binding
	No        key.Binding
	Hint      key.Binding // training runs only
	Task      key.Binding // training runs only
	// The keys of a panel that covers the screen (a narrow terminal).
	PanelScroll    key.Binding
	CloseTask      key.Binding
	CloseInspector key.Binding
	// The keys of the stick screen.
	FileRename key.Binding
	FileDelete key.Binding
	FileMkdir  key.Binding
	FileCopy   key.Binding
}

// NewKeyMap is the default key map.
func NewKeyMap() KeyMap {
	return KeyMap{
		Move:      key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "move")),
		Up:        key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "up")),
		Down:      key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "down")),
		Left:      key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "leave")),
		Right:     key.NewBinding(key.WithKeys("right"), key.WithHelp("→", "open/change")),
		OK:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "OK")),
		Exit:      key.NewBinding(key.WithKeys("esc", "backspace"), key.WithHelp("esc", "EXIT")),
		Menu:      key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "MENU")),
		Service:   key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "service button")),
		Power:     key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "power")),
		USB:       key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "USB out")),
		Files:     key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "USB files")),
		Inspector: key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "inspector")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:      key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		Scroll:    key.NewBinding(key.WithKeys("pgup", "pgdown"), key.WithHelp("pgup/pgdn", "scroll")),
		Tab:       key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next field")),
		Yes:       key.NewBinding(key.WithKeys("y", "enter"), key.WithHelp("y", "yes")),
		No:        key.NewBinding(key.WithKeys("n", "esc", "backspace"), key.WithHelp("n", "no")),
		Hint:      key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "hint")),
		Task:      key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "task")),

		PanelScroll:    key.NewBinding(key.WithKeys("up", "down", "pgup", "pgdown"), key.WithHelp("↑/↓", "scroll")),
		CloseTask:      key.NewBinding(key.WithKeys("t", "esc"), key.WithHelp("t/esc", "close")),
		CloseInspector: key.NewBinding(key.WithKeys("i", "esc"), key.WithHelp("i/esc", "close")),

		FileRename: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "rename")),
		FileDelete: key.NewBinding(key.WithKeys("d", "delete"), key.WithHelp("d", "delete")),
		FileMkdir:  key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new folder")),
		FileCopy:   key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy in")),
	}
}

// bindings is a help.KeyMap made of a screen's keys and the global ones.
type bindings struct {
	short []key.Binding
	full  [][]key.Binding
}

// ShortHelp is the one-line help.
func (b bindings) ShortHelp() []key.Binding { return b.short }

// FullHelp is the help shown with '?'.
func (b bindings) FullHelp() [][]key.Binding { return b.full }
