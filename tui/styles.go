package tui

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/table"
	"github.com/charmbracelet/lipgloss"
)

// Styles holds every lipgloss style of the screens. Build it with NewStyles
// from a renderer, so that the colour profile (and NO_COLOR) is the
// renderer's, never a package-level default.
type Styles struct {
	Renderer *lipgloss.Renderer

	// Frame
	Header      lipgloss.Style
	HeaderModel lipgloss.Style
	HeaderPower lipgloss.Style
	HeaderOff   lipgloss.Style
	Body        lipgloss.Style
	Page        lipgloss.Style // a screen's text, one cell in from the edge
	Help        help.Styles
	Table       table.Styles // the lists drawn as tables (update list, stick files)

	// Power-on
	Logo       lipgloss.Style
	LogoSub    lipgloss.Style
	Panel      lipgloss.Style
	PanelError lipgloss.Style
	PanelLabel lipgloss.Style
	TVText     lipgloss.Style
	TVError    lipgloss.Style
	Hint       lipgloss.Style
	StageDone  lipgloss.Style
	StageNow   lipgloss.Style
	Off        lipgloss.Style

	// Bootloader: white on blue
	BLScreen   lipgloss.Style
	BLTitle    lipgloss.Style
	BLRow      lipgloss.Style
	BLSelected lipgloss.Style
	BLName     lipgloss.Style
	BLValue    lipgloss.Style
	BLChanged  lipgloss.Style
	BLStatus   lipgloss.Style

	// System Recovery Utility: list style
	SRUTitle    lipgloss.Style
	SRUPath     lipgloss.Style
	SRUItem     lipgloss.Style
	SRUSelected lipgloss.Style
	SRUNote     lipgloss.Style

	// Embedded portal
	PortalTitle    lipgloss.Style
	PortalItem     lipgloss.Style
	PortalSelected lipgloss.Style

	// Shared text
	Label   lipgloss.Style
	Value   lipgloss.Style
	Muted   lipgloss.Style
	OK      lipgloss.Style
	Error   lipgloss.Style
	Warn    lipgloss.Style
	Message lipgloss.Style
	Dialog  lipgloss.Style

	// Update flow and refusal
	StageCode   lipgloss.Style
	RefusalHead lipgloss.Style
	SuccessHead lipgloss.Style
	ExplainBox  lipgloss.Style
	ExplainHead lipgloss.Style
	HintLine    lipgloss.Style

	// Inspector
	Inspector      lipgloss.Style
	InspectorTitle lipgloss.Style
	InspectorHead  lipgloss.Style
}

// NewStyles builds the styles on r (nil: lipgloss' default renderer, which
// honours NO_COLOR through termenv).
func NewStyles(r *lipgloss.Renderer) Styles {
	if r == nil {
		r = lipgloss.DefaultRenderer()
	}
	n := r.NewStyle
	blue := lipgloss.Color("#0000AA")
	white := lipgloss.Color("#FFFFFF")
	yellow := lipgloss.Color("#FFFF55")
	// Plain colours, readable on dark and light terminals alike. No
	// AdaptiveColor: it makes termenv ask the terminal for its background,
	// which can hold the first frame for seconds.
	dim := lipgloss.Color("#8A8A8A")
	accent := lipgloss.Color("#3A8FD8")
	green := lipgloss.Color("#3FAF3F")
	red := lipgloss.Color("#E04040")
	amber := lipgloss.Color("#D78700")

	s := Styles{Renderer: r}
	s.Header = n().Bold(true).Foreground(accent)
	s.HeaderModel = n().Bold(true)
	s.HeaderPower = n().Foreground(green)
	s.HeaderOff = n().Foreground(dim)
	s.Body = n()
	s.Page = n().PaddingLeft(1)
	s.Help = help.Styles{
		Ellipsis:       n().Foreground(dim),
		ShortKey:       n().Foreground(accent),
		ShortDesc:      n().Foreground(dim),
		ShortSeparator: n().Foreground(dim),
		FullKey:        n().Foreground(accent),
		FullDesc:       n().Foreground(dim),
		FullSeparator:  n().Foreground(dim),
	}

	s.Logo = n().Bold(true).Foreground(accent)
	s.LogoSub = n().Foreground(dim)
	s.Panel = n().Border(lipgloss.RoundedBorder()).BorderForeground(dim).
		Foreground(lipgloss.Color("#FF3030")).Bold(true).Padding(0, 1).Width(8).Align(lipgloss.Center)
	s.PanelError = s.Panel
	s.PanelLabel = n().Foreground(dim)
	s.TVText = n().Bold(true)
	s.TVError = n().Bold(true).Foreground(red)
	s.Hint = n().Foreground(dim).Italic(true)
	s.StageDone = n().Foreground(dim)
	s.StageNow = n().Bold(true)
	s.Off = n().Foreground(dim)

	s.BLScreen = n().Background(blue).Foreground(white).Padding(1, 2)
	s.BLTitle = n().Background(blue).Foreground(yellow).Bold(true)
	s.BLRow = n().Background(blue).Foreground(white)
	s.BLSelected = n().Background(white).Foreground(blue).Bold(true)
	s.BLName = n()
	s.BLValue = n()
	s.BLChanged = n().Background(blue).Foreground(yellow)
	s.BLStatus = n().Background(blue).Foreground(yellow)

	s.SRUTitle = n().Bold(true).Foreground(white).Background(lipgloss.Color("#303030")).Padding(0, 1)
	s.SRUPath = n().Foreground(dim)
	s.SRUItem = n().PaddingLeft(2)
	s.SRUSelected = n().Bold(true).Foreground(accent)
	s.SRUNote = n().Foreground(dim)

	s.PortalTitle = n().Bold(true).Foreground(accent).Border(lipgloss.NormalBorder(), false, false, true, false).BorderForeground(dim)
	s.PortalItem = n().PaddingLeft(2)
	s.PortalSelected = n().Bold(true).Foreground(accent)

	s.Label = n().Foreground(dim)
	s.Value = n()
	s.Muted = n().Foreground(dim)
	s.OK = n().Bold(true).Foreground(green)
	s.Error = n().Bold(true).Foreground(red)
	s.Warn = n().Foreground(amber)
	s.Message = n().Bold(true)
	s.Dialog = n().Border(lipgloss.RoundedBorder()).BorderForeground(amber).Padding(0, 1)

	s.StageCode = n().Bold(true).Foreground(accent)
	s.RefusalHead = n().Bold(true).Foreground(red)
	s.SuccessHead = n().Bold(true).Foreground(green)
	s.ExplainBox = n().Border(lipgloss.RoundedBorder()).BorderForeground(dim).Padding(0, 1)
	s.ExplainHead = n().Bold(true)
	s.HintLine = n().Foreground(amber)

	s.Table = table.Styles{Header: s.Label.Padding(0, 1), Cell: n().Padding(0, 1), Selected: s.SRUSelected}

	s.Inspector = n().Border(lipgloss.NormalBorder(), false, false, false, true).BorderForeground(dim).PaddingLeft(1)
	s.InspectorTitle = n().Bold(true).Foreground(accent)
	s.InspectorHead = n().Bold(true)
	return s
}
