// Command tz loads the time zones named on its command line and prints each
// one's name and offset at two fixed instants (winter, summer), or the error.
package main

import (
	"fmt"
	"os"
	"time"
)

func main() {
	winter := time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC)
	summer := time.Date(2024, 7, 15, 12, 0, 0, 0, time.UTC)
	for _, name := range os.Args[1:] {
		loc, err := time.LoadLocation(name)
		if err != nil {
			fmt.Printf("%s: error %v\n", name, err)
			continue
		}
		fmt.Printf("%s: %s %s\n", name, winter.In(loc).Format("MST-0700"), summer.In(loc).Format("MST-0700"))
	}
	fmt.Printf("Local: %s %s\n", time.Local, summer.In(time.Local).Format("MST-0700"))
}
