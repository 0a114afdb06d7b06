package main

import "github.com/spf13/cobra"

func newDeviceCmd() *cobra.Command {
	return &cobra.Command{Use: "device", Short: "(not yet available)", Hidden: true}
}
