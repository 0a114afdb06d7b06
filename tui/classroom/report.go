package classroom

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/stbrecovery/stbrecovery/scenario"
)

// ReportRow is one trainee on one scenario in the class report: the
// scenario package's report of their latest session of it, and how many
// sessions there were (one per classroom run in which they opened it).
type ReportRow struct {
	Trainee    string `json:"trainee"`
	Sessions   int    `json:"sessions"`
	LastStatus string `json:"last_status,omitempty"`
	// Score and OutOfTime are given in an exam (see Score).
	Score     *int            `json:"score,omitempty"`
	OutOfTime bool            `json:"out_of_time,omitempty"`
	Report    scenario.Report `json:"report"`
}

// ReadReport reads the class's records under dir/trainees: one row per
// trainee and scenario, sorted by trainee then scenario.
func ReadReport(dir string) ([]ReportRow, error) {
	root := filepath.Join(dir, "trainees")
	if _, err := os.Stat(root); err != nil {
		return nil, fmt.Errorf("%s holds no trainees folder: give the --dir the classroom ran with", dir)
	}
	info, err := readClassInfo(dir)
	if err != nil {
		return nil, err
	}
	files, err := filepath.Glob(filepath.Join(root, "*", "*", "report-*.json"))
	if err != nil {
		return nil, err
	}
	type key struct{ trainee, scenario string }
	rows := map[key]*ReportRow{}
	for _, f := range files {
		scDir := filepath.Dir(f)
		k := key{filepath.Base(filepath.Dir(scDir)), filepath.Base(scDir)}
		if CheckName(k.trainee) != nil {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %v", f, err)
		}
		var rep scenario.Report
		if err := json.Unmarshal(data, &rep); err != nil {
			return nil, fmt.Errorf("%s is not a scenario report (%v): move it out of the class folder", f, err)
		}
		row := rows[k]
		if row == nil {
			row = &ReportRow{Trainee: k.trainee}
			rows[k] = row
		}
		row.Sessions++
		if row.Sessions == 1 || rep.Started.After(row.Report.Started) {
			row.Report = rep
		}
	}
	out := make([]ReportRow, 0, len(rows))
	solutions := map[string]int{}
	for _, r := range rows {
		if n := len(r.Report.Steps); n > 0 {
			r.LastStatus = stepStatus(r.Report.Steps[n-1])
		}
		if info.Exam {
			name := r.Report.Scenario.Name
			if _, ok := solutions[name]; !ok {
				if sc, err := scenario.Load(name); err == nil {
					solutions[name] = len(sc.Solution)
				}
			}
			limit := time.Duration(info.TimeLimit * float64(time.Second))
			score := Score(r.Report, limit, solutions[name])
			r.Score = &score
			ex := &exam{limit: limit}
			ex.over.Store(info.Ended)
			r.OutOfTime = ex.outOfTime(r.Report)
		}
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Trainee != out[j].Trainee {
			return out[i].Trainee < out[j].Trainee
		}
		return out[i].Report.Scenario.Name < out[j].Report.Scenario.Name
	})
	return out, nil
}

// reportColumns are the columns of the CSV and of the table.
var reportColumns = []string{"trainee", "scenario", "model", "goal_met", "time_to_goal_seconds", "duration_seconds", "steps", "hints_used", "hints_total", "sessions", "last_status", "summary", "out_of_time", "score"}

func (r ReportRow) fields() []string {
	rep := r.Report
	ttg := ""
	if rep.GoalMet {
		ttg = strconv.FormatFloat(rep.TimeToGoal, 'f', 3, 64)
	}
	f := []string{r.Trainee, rep.Scenario.Name, rep.Scenario.Model, strconv.FormatBool(rep.GoalMet), ttg,
		strconv.FormatFloat(rep.Duration, 'f', 3, 64), strconv.Itoa(len(rep.Steps)), strconv.Itoa(rep.HintsUsed),
		strconv.Itoa(rep.HintsTotal), strconv.Itoa(r.Sessions), r.LastStatus, rep.Summary, "", ""}
	if r.Score != nil {
		f[len(f)-2], f[len(f)-1] = strconv.FormatBool(r.OutOfTime), strconv.Itoa(*r.Score)
	}
	return f
}

// WriteCSV writes rows as CSV with a header line.
func WriteCSV(w io.Writer, rows []ReportRow) error {
	cw := csv.NewWriter(w)
	cw.Write(reportColumns)
	for _, r := range rows {
		cw.Write(r.fields())
	}
	cw.Flush()
	return cw.Error()
}

// WriteTable writes rows as a table for the terminal.
func WriteTable(w io.Writer, rows []ReportRow) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TRAINEE\tSCENARIO\tGOAL\tTIME\tSTEPS\tHINTS\tLAST STATUS\tSCORE")
	for _, r := range rows {
		rep := r.Report
		goal, t := "not met", time.Duration(rep.Duration*float64(time.Second))
		if rep.GoalMet {
			goal, t = "met", time.Duration(rep.TimeToGoal*float64(time.Second))
		}
		if r.OutOfTime {
			goal = "out of time"
		}
		score := ""
		if r.Score != nil {
			score = strconv.Itoa(*r.Score)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d/%d\t%s\t%s\n", r.Trainee, rep.Scenario.Name, goal, t.Round(time.Second),
			len(rep.Steps), rep.HintsUsed, rep.HintsTotal, r.LastStatus, score)
	}
	if len(rows) == 0 {
		fmt.Fprintln(tw, "(no trainee has started a scenario yet)")
	}
	return tw.Flush()
}
