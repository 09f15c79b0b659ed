// Command flexusl buys and tracks Huawei Cloud FlexusL instances.
package main

import (
	"os"

	"github.com/flexusl/flexusl/cmd"
)

func main() { os.Exit(cmd.Execute()) }
