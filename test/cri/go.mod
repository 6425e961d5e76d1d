module genodego/test/cri

go 1.26.0

// critest is built against cri-api v0.37.2, the kubelet's; cri-tools v1.37.0 asks for v0.37.0.
require k8s.io/cri-api v0.37.2
