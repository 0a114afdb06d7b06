package main

import "github.com/spf13/cobra"

func newKeyCmd() *cobra.Command {
	return &cobra.Command{Use: "key", Short: "(not yet available)", Hidden: true}
}
