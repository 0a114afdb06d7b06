package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/demoimage"
)

func newRulesCmd() *cobra.Command {
	var model string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "Print the decision matrix of the update rules, computed by the rules themselves",
		Long: "rules runs the box's decision function over every case: update path × the image the box runs ×\n" +
			"operator key installed or not × the image that comes in (each signed by its demo key), and prints\n" +
			"the status and the rule that decided. Every incoming image is one version newer than the running one.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := device.LookupModel(model)
			if err != nil {
				return usageErr("%v", err)
			}
			keys, err := demoimage.LoadKeys()
			if err != nil {
				return withCode(exitError, err)
			}
			cells, err := device.Matrix(keys, m)
			if err != nil {
				return withCode(exitError, err)
			}
			if asJSON {
				type row struct {
					Path        device.Path   `json:"path"`
					Running     string        `json:"running"`
					OperatorKey bool          `json:"operator_key"`
					Incoming    string        `json:"incoming"`
					Kind        device.Kind   `json:"incoming_kind"`
					Status      device.Status `json:"status"`
					Text        string        `json:"text"`
					Rule        device.Rule   `json:"rule"`
					Installed   bool          `json:"installed"`
				}
				rows := make([]row, 0, len(cells))
				for _, c := range cells {
					rows = append(rows, row{c.Case.Path, c.Case.Running, c.Case.OperatorKey, c.Case.Incoming, c.Kind,
						c.Decision.Status, c.Decision.Text, c.Decision.Rule, c.Decision.Accept})
				}
				return printJSON(cmd.OutOrStdout(), map[string]any{"model": m.Name, "cells": rows})
			}
			printMatrix(cmd.OutOrStdout(), m, cells)
			return nil
		},
	}
	cmd.Flags().StringVar(&model, "model", "MAG254", "the model whose rules to run")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}

func printMatrix(w io.Writer, m device.Model, cells []device.MatrixCell) {
	fmt.Fprintf(w, "Decision matrix for %s (%s blocks), computed by the rules. Operator key: the demo key of One IPTV.\n\n", m.Name, m.Generation())
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PATH\tRUNNING\tOP.KEY\tINCOMING\tSIGNED BY\tKIND SEEN\tRESULT\tRULE")
	for _, c := range cells {
		op := "-"
		if c.Case.OperatorKey {
			op = "installed"
		}
		result := fmt.Sprintf("%d %s", c.Decision.Status, c.Decision.Text)
		signer := "?"
		if spec, err := c.Case.IncomingSpec(m); err == nil {
			signer = spec.Signer
			if spec.Custom != "" {
				signer += "+" + spec.Custom
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.Case.Path, c.Case.Running, op, c.Case.Incoming, signer, c.Kind, result, c.Decision.Rule)
	}
	tw.Flush()
}
