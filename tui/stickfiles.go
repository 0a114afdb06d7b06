package tui

// The USB stick as the trainee's PC sees it (key f): its folders and files,
// renamed, deleted, made or copied in from the PC's Downloads folder. Every
// change goes through device.Stick, which never leaves the stick's folder;
// as on a PC, nothing is undone except by doing it again.

import (
	"fmt"
	"path"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/table"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/safetext"
)

// filesMode is what the stick screen is doing.
type filesMode int

const (
	filesBrowse    filesMode = iota
	filesRename              // typing the new path of the selected entry
	filesMkdir               // typing the path of a new folder
	filesDelete              // asking whether to delete the selected entry
	filesDownloads           // picking a file of Downloads
	filesCopyTo              // typing where the picked download goes
)

type filesListMsg struct {
	id        int
	entries   []device.StickEntry
	downloads []device.StickEntry
	err       error
}

type filesDoneMsg struct {
	id     int
	op     string // rename, delete, mkdir, copy
	detail string // what was done, in stick paths
	focus  string
	err    error
}

// filesScreen is the stick in a file manager of the PC.
type filesScreen struct {
	c         *common
	id        int
	dir       string // the stick's folder; the screens never show it
	downDir   string // the PC's Downloads folder; "" when the scenario gives none
	entries   []device.StickEntry
	downloads []device.StickEntry
	loaded    bool
	err       error
	cursor    int
	down      choiceList // the Downloads folder's files, to copy in
	mode      filesMode
	input     textinput.Model
	status    string
	statusE   bool
	want      string // the path to select once the listing comes back
}

func newFilesScreen(c *common) *filesScreen {
	in := textinput.New()
	in.CharLimit = 240
	in.Prompt = "USB:/"
	s := &filesScreen{c: c, id: c.newID(), dir: c.plug.dir, downDir: c.env.DownloadsDir, input: in}
	s.down = newChoiceList(c.keys, 0, s.drawDownload)
	return s
}

// drawDownload is the row of file i in the Downloads folder.
func (s *filesScreen) drawDownload(i int, selected bool) string {
	d := s.downloads[i]
	line := fmt.Sprintf("%-30s %s", safetext.Escape(d.Path), humanBytes(d.Size))
	if selected {
		return s.c.st.SRUSelected.Render("▸ " + line)
	}
	return s.c.st.SRUItem.Render(line)
}

func (s *filesScreen) Init() tea.Cmd {
	return tea.Batch(s.input.Cursor.SetMode(cursor.CursorStatic), s.load())
}

func (s *filesScreen) load() tea.Cmd {
	dir, down, id := s.dir, s.downDir, s.id
	return func() tea.Msg {
		es, err := device.NewStick(dir).List()
		return filesListMsg{id: id, entries: es, downloads: device.Downloads(down), err: err}
	}
}

// TakesText lets every printable key into the name field while one is typed.
func (s *filesScreen) TakesText() bool {
	return s.mode == filesRename || s.mode == filesMkdir || s.mode == filesCopyTo
}

func (s *filesScreen) selected() (device.StickEntry, bool) {
	if s.cursor < len(s.entries) {
		return s.entries[s.cursor], true
	}
	return device.StickEntry{}, false
}

func (s *filesScreen) Update(msg tea.Msg) (tea.Cmd, nav) {
	k := s.c.keys
	switch msg := msg.(type) {
	case filesListMsg:
		if msg.id != s.id {
			return nil, nav{}
		}
		s.entries, s.downloads, s.err, s.loaded = msg.entries, msg.downloads, msg.err, true
		s.down.setLen(len(s.downloads))
		s.cursor = min(s.cursor, max(0, len(s.entries)-1))
		for i, e := range s.entries {
			if e.Path == s.want {
				s.cursor = i
			}
		}
		s.want = ""
	case filesDoneMsg:
		if msg.id != s.id {
			return nil, nav{}
		}
		s.statusE = msg.err != nil
		if msg.err != nil {
			s.status = msg.err.Error()
		} else {
			s.status = "Done: " + msg.detail + "."
			s.want = msg.focus
		}
		step := OpStep{Op: msg.op, Detail: msg.detail, Err: msg.err}
		return tea.Batch(s.load(), s.c.trainStep(step)), nav{}
	case tea.KeyMsg:
		return s.key(msg, k)
	}
	return nil, nav{}
}

func (s *filesScreen) key(msg tea.KeyMsg, k KeyMap) (tea.Cmd, nav) {
	switch s.mode {
	case filesRename, filesMkdir, filesCopyTo:
		switch {
		case msg.Type == tea.KeyEnter:
			return s.apply(), nav{}
		case msg.Type == tea.KeyEsc:
			s.mode = filesBrowse
			return nil, nav{}
		}
		var cmd tea.Cmd
		s.input, cmd = s.input.Update(msg)
		return cmd, nav{}
	case filesDelete:
		switch {
		case msg.String() == "y":
			return s.apply(), nav{}
		case key.Matches(msg, k.No), key.Matches(msg, k.OK):
			s.mode = filesBrowse // only y deletes
		}
		return nil, nav{}
	case filesDownloads:
		switch {
		case s.down.move(msg):
		case key.Matches(msg, k.OK) && len(s.downloads) > 0:
			name := s.downloads[s.down.index()].Path
			s.edit(filesCopyTo, s.c.model.USBFolder()+"/"+name)
		case key.Matches(msg, k.Exit), key.Matches(msg, k.Left):
			s.mode = filesBrowse
		}
		return nil, nav{}
	}
	e, ok := s.selected()
	switch {
	case key.Matches(msg, k.Up) && len(s.entries) > 0:
		s.cursor = (s.cursor + len(s.entries) - 1) % len(s.entries)
	case key.Matches(msg, k.Down) && len(s.entries) > 0:
		s.cursor = (s.cursor + 1) % len(s.entries)
	case key.Matches(msg, k.FileRename) && ok:
		s.edit(filesRename, e.Path)
	case key.Matches(msg, k.FileDelete) && ok:
		s.mode, s.status = filesDelete, ""
	case key.Matches(msg, k.FileMkdir):
		s.edit(filesMkdir, s.c.model.USBFolder())
	case key.Matches(msg, k.FileCopy):
		s.status = ""
		if len(s.downloads) == 0 {
			s.status, s.statusE = "The Downloads folder is empty: there is nothing to copy.", true
			return nil, nav{}
		}
		s.mode = filesDownloads
	case key.Matches(msg, k.Exit), key.Matches(msg, k.Left), key.Matches(msg, k.Files):
		return nil, pop()
	}
	return nil, nav{}
}

// edit opens the name field with a value to change.
func (s *filesScreen) edit(m filesMode, value string) {
	s.mode, s.status = m, ""
	s.input.Width = min(s.c.width-12, 60)
	s.input.SetValue(value)
	s.input.CursorEnd()
	s.input.Focus()
}

// apply runs the change being asked for, on the stick, off the screen's goroutine.
func (s *filesScreen) apply() tea.Cmd {
	mode, typed := s.mode, strings.TrimSpace(s.input.Value())
	s.mode = filesBrowse
	s.input.Blur()
	stick, down, id := device.NewStick(s.dir), s.downDir, s.id
	e, _ := s.selected()
	var name string
	if len(s.downloads) > 0 {
		name = s.downloads[s.down.index()].Path
	}
	return func() tea.Msg {
		done := filesDoneMsg{id: id}
		switch mode {
		case filesRename:
			done.op, done.focus = "rename", typed
			done.detail = fmt.Sprintf("renamed %s to %s", device.StickPath(e.Path), device.StickPath(typed))
			done.err = stick.Rename(e.Path, typed)
		case filesDelete:
			done.op = "delete"
			done.detail = "deleted " + device.StickPath(e.Path)
			done.focus = path.Dir(e.Path)
			done.err = stick.Delete(e.Path)
		case filesMkdir:
			done.op, done.focus = "mkdir", typed
			done.detail = "made the folder " + device.StickPath(typed)
			done.err = stick.Mkdir(typed)
		case filesCopyTo:
			done.op, done.focus = "copy", typed
			done.detail = fmt.Sprintf("copied Downloads/%s to %s", name, device.StickPath(typed))
			done.err = stick.CopyIn(down, name, typed)
		}
		return done
	}
}

func (s *filesScreen) View() string {
	c, st := s.c, s.c.st
	w := min(c.width-4, 76)
	var b strings.Builder
	b.WriteString(st.PortalTitle.Render("USB stick on the PC") + "\n")
	b.WriteString(st.Muted.Render(wrap("The stick as a PC shows it. The box looks for "+device.StickPath(c.model.USBFolder()+"/imageupdate")+".", w)) + "\n\n")
	switch {
	case !s.loaded:
		b.WriteString(st.Muted.Render("Reading the stick…") + "\n")
	case s.err != nil:
		b.WriteString(st.Error.Render(wrap(safetext.Lines(s.err.Error()), w)) + "\n")
	case len(s.entries) == 0:
		b.WriteString(st.Muted.Render("The stick is empty.") + "\n")
	default:
		b.WriteString(s.table(w) + "\n")
	}
	e, ok := s.selected()
	switch s.mode {
	case filesRename:
		b.WriteString("\n" + st.Label.Render("New name of "+safetext.Escape(device.StickPath(e.Path))+":") + "\n" + s.input.View() + "\n")
	case filesMkdir:
		b.WriteString("\n" + st.Label.Render("New folder:") + "\n" + s.input.View() + "\n")
	case filesCopyTo:
		b.WriteString("\n" + st.Label.Render("Copy Downloads/"+safetext.Escape(s.downloads[s.down.index()].Path)+" to:") + "\n" + s.input.View() + "\n")
	case filesDelete:
		what := "the file"
		if e.Dir {
			what = "the folder, with all it holds,"
		}
		b.WriteString("\n" + st.Warn.Render(wrap(fmt.Sprintf("Delete %s %s? A PC does not undo this. (y/n)", what, safetext.Escape(device.StickPath(e.Path))), w)) + "\n")
	case filesDownloads:
		b.WriteString("\n" + st.Label.Render("Downloads (the PC):") + "\n" + s.down.view())
	default:
		if ok {
			b.WriteString(st.Muted.Render(truncate(safetext.Escape(device.StickPath(e.Path)), w)) + "\n")
		}
	}
	if s.status != "" {
		sty := st.OK
		if s.statusE {
			sty = st.Error
		}
		b.WriteString("\n" + sty.Render(wrap(safetext.Lines(s.status), w)) + "\n")
	}
	return s.c.st.Page.Render(b.String())
}

// table is the stick's listing: a folder's entries indented under it.
func (s *filesScreen) table(w int) string {
	nameW := max(10, w-14)
	cols := []table.Column{{Title: "  Name", Width: nameW}, {Title: "Size", Width: 9}}
	rows := make([]table.Row, len(s.entries))
	for i, e := range s.entries {
		mark := "  "
		if i == s.cursor {
			mark = "▸ "
		}
		depth := strings.Count(e.Path, "/")
		name, size := path.Base(e.Path), humanBytes(e.Size)
		if e.Dir {
			name, size = name+"/", "folder"
		}
		rows[i] = table.Row{mark + strings.Repeat("  ", depth) + safetext.Escape(name), size}
	}
	t := table.New(table.WithColumns(cols), table.WithRows(rows), table.WithStyles(s.c.st.Table),
		table.WithHeight(min(len(rows), max(3, s.c.height-14))+1), table.WithFocused(true))
	t.SetCursor(s.cursor)
	return t.View()
}

func (s *filesScreen) Title() string { return "USB stick" }

// Note is shown with the full help.
func (s *filesScreen) Note() string {
	return "The stick as the trainee's PC shows it. Changes stay on the stick and are not undone: rename or copy again."
}

func (s *filesScreen) Keys() []key.Binding {
	k := s.c.keys
	switch s.mode {
	case filesRename, filesMkdir, filesCopyTo:
		return []key.Binding{k.OK, k.Exit}
	case filesDelete:
		return []key.Binding{k.Yes, k.No}
	case filesDownloads:
		return []key.Binding{k.Move, k.OK, k.Exit}
	}
	// ↑/↓ is left to the full help: the line keeps ? and q at 80 columns
	return []key.Binding{k.FileRename, k.FileDelete, k.FileMkdir, k.FileCopy, k.Exit}
}
