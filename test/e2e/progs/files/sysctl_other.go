//go:build !genode

package main

func rawHostname() string { return "n/a" }
