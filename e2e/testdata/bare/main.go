// Command bare is the start-up baseline for `make bench`: a cobra root and
// one subcommand, with a viper instance bound to a flag and the environment,
// reading an optional config file. flexusl's start-up is reported as a ratio
// to this program's.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"
)

func main() {
	v := viper.New()
	root := &cobra.Command{Use: "bare", Short: "baseline", SilenceUsage: true}
	root.PersistentFlags().String("region", "", "region")
	root.PersistentFlags().StringP("output", "o", "table", "output")
	_ = v.BindPFlags(root.PersistentFlags())
	v.SetEnvPrefix("BARE")
	v.AutomaticEnv()
	root.AddCommand(&cobra.Command{
		Use: "list",
		RunE: func(cmd *cobra.Command, args []string) error {
			v.SetConfigFile(os.ExpandEnv("$HOME/.config/bare/config.yaml"))
			_ = v.ReadInConfig()
			return json.NewEncoder(os.Stdout).Encode([]map[string]string{{"region": v.GetString("region")}})
		},
	})
	if err := root.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
