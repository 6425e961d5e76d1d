module genodego/test/cmd

go 1.26.0

require genodego/host v0.0.0-00010101000000-000000000000

replace genodego/host => ../../host
