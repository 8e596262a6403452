package app

import (
	"github.com/autoevent/autoevent/internal/platform/cache"
	"github.com/autoevent/autoevent/internal/user"
)

func userRevocations(c cache.Cache) user.Revocations { return user.Revocations{Cache: c} }
