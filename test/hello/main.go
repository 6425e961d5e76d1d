// Command hello is the smallest genode program the port builds and checks.
package main

import (
	"fmt"
	"os"
	"runtime"
)

func main() {
	fmt.Printf("hello from %s/%s\n", runtime.GOOS, runtime.GOARCH)
	if len(os.Args) > 1 {
		fmt.Println("args:", os.Args[1:])
	}
}
