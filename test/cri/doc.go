// Package cri tests containerd's CRI plugin on the model of Genode: crictl and
// critest against a stack of their own (the tests are the package's).
package cri

import _ "k8s.io/cri-api/pkg/apis/runtime/v1" // the kubelet's version of the API, which critest is built against
