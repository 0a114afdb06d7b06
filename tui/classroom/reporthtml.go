package classroom

import (
	"fmt"
	"html/template"
	"io"
	"sort"
	"strconv"
	"time"
)

// htmlBar is one trainee's bar in a scenario's chart.
type htmlBar struct {
	Trainee string
	Label   string // "3m12s", or why there is no time
	Y       int    // the bar's top, in the chart's units
	Width   int    // 0 when the goal was not met
	Met     bool
}

// htmlChart is a scenario's chart of time to goal.
type htmlChart struct {
	Scenario string
	Title    string
	Height   int
	Bars     []htmlBar
}

// htmlRow is a row of the report's table.
type htmlRow struct {
	Trainee, Scenario, Goal, Time, Steps, Hints, Last, Score string
	Met, OutOfTime                                           bool
}

// htmlPage is what the template draws.
type htmlPage struct {
	Generated string
	Trainees  int
	Met       int
	Exam      bool
	Rows      []htmlRow
	Charts    []htmlChart
}

const chartBarMax, chartRowH = 420, 22 // the longest bar and a row, in pixels

// WriteHTML writes the class report as one self-contained HTML page: the
// table of every trainee and scenario, and a chart per scenario of each
// trainee's time to the goal. It loads nothing from elsewhere and runs no
// script. now is the time printed as the report's date.
func WriteHTML(w io.Writer, rows []ReportRow, now time.Time) error {
	page := htmlPage{Generated: now.UTC().Format("2006-01-02 15:04 UTC")}
	trainees := map[string]bool{}
	byScenario := map[string][]ReportRow{}
	titles := map[string]string{}
	for _, r := range rows {
		rep := r.Report
		trainees[r.Trainee] = true
		byScenario[rep.Scenario.Name] = append(byScenario[rep.Scenario.Name], r)
		titles[rep.Scenario.Name] = rep.Scenario.Title
		hr := htmlRow{Trainee: r.Trainee, Scenario: rep.Scenario.Name, Goal: "not met", Met: rep.GoalMet, OutOfTime: r.OutOfTime,
			Time: roundSeconds(rep.Duration).String(), Steps: strconv.Itoa(len(rep.Steps)),
			Hints: fmt.Sprintf("%d/%d", rep.HintsUsed, rep.HintsTotal), Last: r.LastStatus}
		if rep.GoalMet {
			hr.Goal, hr.Time = "met", roundSeconds(rep.TimeToGoal).String()
			page.Met++
		}
		if r.OutOfTime {
			hr.Goal = "out of time"
		}
		if r.Score != nil {
			page.Exam = true
			hr.Score = strconv.Itoa(*r.Score)
		}
		page.Rows = append(page.Rows, hr)
	}
	page.Trainees = len(trainees)
	names := make([]string, 0, len(byScenario))
	for n := range byScenario {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		page.Charts = append(page.Charts, chart(n, titles[n], byScenario[n]))
	}
	return reportTemplate.Execute(w, page)
}

// chart scales the times to the goal of one scenario to the longest.
func chart(name, title string, rows []ReportRow) htmlChart {
	longest := 0.0
	for _, r := range rows {
		if r.Report.GoalMet && r.Report.TimeToGoal > longest {
			longest = r.Report.TimeToGoal
		}
	}
	c := htmlChart{Scenario: name, Title: title, Height: len(rows)*chartRowH + 4}
	for i, r := range rows {
		b := htmlBar{Trainee: r.Trainee, Y: i*chartRowH + 2, Label: "goal not met"}
		if r.Report.GoalMet {
			b.Met, b.Label = true, roundSeconds(r.Report.TimeToGoal).String()
			b.Width = 2
			if longest > 0 {
				b.Width = max(2, int(r.Report.TimeToGoal/longest*chartBarMax))
			}
		}
		c.Bars = append(c.Bars, b)
	}
	return c
}

func roundSeconds(s float64) time.Duration {
	return time.Duration(s * float64(time.Second)).Round(time.Second)
}

var reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"add": func(a, b int) int { return a + b },
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Class report</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin-bottom: 2em; }
th, td { padding: 0.3em 0.8em; border-bottom: 1px solid #ddd; text-align: left; }
th { background: #f2f2f2; }
td.met { color: #2a7a2a; font-weight: bold; }
td.notmet { color: #b03030; }
svg text { font-size: 12px; font-family: system-ui, sans-serif; }
.muted { color: #777; }
</style>
</head>
<body>
<h1>Class report</h1>
<p class="muted">{{.Generated}} · {{.Trainees}} trainees · {{.Met}} goals met{{if .Exam}} · exam{{end}}</p>
<table id="rows">
<thead><tr><th>Trainee</th><th>Scenario</th><th>Goal</th><th>Time</th><th>Steps</th><th>Hints</th><th>Last status</th>{{if .Exam}}<th>Score</th>{{end}}</tr></thead>
<tbody>
{{- range .Rows}}
<tr><td>{{.Trainee}}</td><td>{{.Scenario}}</td><td class="{{if .Met}}met{{else}}notmet{{end}}">{{.Goal}}</td><td>{{.Time}}</td><td>{{.Steps}}</td><td>{{.Hints}}</td><td>{{.Last}}</td>{{if $.Exam}}<td>{{.Score}}</td>{{end}}</tr>
{{- end}}
</tbody>
</table>
<h2>Time to goal</h2>
{{- range .Charts}}
<h3>{{.Title}} <span class="muted">({{.Scenario}})</span></h3>
<svg class="chart" role="img" aria-label="time to goal in {{.Scenario}}" width="700" height="{{.Height}}" viewBox="0 0 700 {{.Height}}" xmlns="http://www.w3.org/2000/svg">
{{- range .Bars}}
<text x="0" y="{{add .Y 14}}">{{.Trainee}}</text>
{{- if .Met}}
<rect x="160" y="{{.Y}}" width="{{.Width}}" height="18" fill="#3a8fd8"></rect>
<text x="{{add 166 .Width}}" y="{{add .Y 14}}">{{.Label}}</text>
{{- else}}
<text x="160" y="{{add .Y 14}}" fill="#b03030">{{.Label}}</text>
{{- end}}
{{- end}}
</svg>
{{- end}}
{{- if not .Rows}}
<p>No trainee has started a scenario yet.</p>
{{- end}}
</body>
</html>
`))
