//go:build genode

package main

import "errors"

// getNoNewPrivs: Genode has no prctl and no setuid programs, so there is no no_new_privs flag to read.
// Only the Linux validations ask, and they do not run on genode.
func getNoNewPrivs() (bool, error) {
	return false, errors.New("genode has no prctl(PR_GET_NO_NEW_PRIVS)")
}
