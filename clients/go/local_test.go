package csat

import "testing"

func TestIsLocalTellsLoopbackAndSocketsFromOtherHosts(t *testing.T) {
	cases := map[string]bool{
		"localhost:50051":             true,
		"LOCALHOST:50051":             true,
		"127.0.0.1:50051":             true,
		"127.8.9.10:50051":            true,
		"[::1]:50051":                 true,
		"dns:///localhost:50051":      true,
		"passthrough:///127.0.0.1:80": true,
		"unix:///run/csat.sock":       true,
		"unix:csat.sock":              true,
		"localhost":                   true,
		"csat.example.com:443":        false,
		"dns:///csat.internal:50051":  false,
		"10.0.0.7:50051":              false,
		"[2001:db8::1]:50051":         false,
		"localhost.example.com:443":   false,
	}
	for target, want := range cases {
		if got := isLocal(target); got != want {
			t.Errorf("isLocal(%q) = %v, want %v", target, got, want)
		}
	}
}
