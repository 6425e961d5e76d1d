package driver

import "genodego/sandbox/node"

type nodeT = node.Node

func nodeNew(typ string, kv ...string) *node.Node { return node.New(typ, kv...) }
