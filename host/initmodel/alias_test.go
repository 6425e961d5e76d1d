package initmodel

import "genodego/sandbox/node"

type nodeT = node.Node

type nodeAttr = node.Attr

func nodeNew(t string, kv ...string) *node.Node { return node.New(t, kv...) }
