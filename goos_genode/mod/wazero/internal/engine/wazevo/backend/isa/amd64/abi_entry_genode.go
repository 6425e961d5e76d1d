//go:build genode

package amd64

// The compiler engine is not supported on genode (platform.CompilerSupports),
// so no compiled code is ever entered: R14 holds g there and cannot carry an
// argument.

func entrypoint(preambleExecutable, functionExecutable *byte, executionContextPtr uintptr, moduleContextPtr *byte, paramResultPtr *uint64, goAllocatedStackSlicePtr uintptr) {
	panic("wazevo: the compiler engine is not supported on genode")
}

func afterGoFunctionCallEntrypoint(executable *byte, executionContextPtr uintptr, stackPointer, framePointer uintptr) {
	panic("wazevo: the compiler engine is not supported on genode")
}
