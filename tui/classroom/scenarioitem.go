package classroom

import (
	"fmt"

	"github.com/stbrecovery/stbrecovery/scenario"
)

// scenarioItem is a scenario in the trainee's list and the trainer's.
type scenarioItem struct{ sc *scenario.Scenario }

func (i scenarioItem) Title() string { return i.sc.Title }
func (i scenarioItem) Description() string {
	return fmt.Sprintf("%s · %s · %s", i.sc.Model.Name, i.sc.Difficulty, i.sc.Summary)
}
func (i scenarioItem) FilterValue() string { return i.sc.Name + " " + i.sc.Title }
