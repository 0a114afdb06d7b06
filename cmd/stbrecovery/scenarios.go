package main

import "github.com/spf13/cobra"

func newScenariosCmd() *cobra.Command {
	return &cobra.Command{Use: "scenarios", Short: "(not yet available)", Hidden: true}
}
