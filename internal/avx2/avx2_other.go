//go:build !amd64

package avx2

func available() bool { return false }

func avx512() bool { return false }

func fma() bool { return false }
