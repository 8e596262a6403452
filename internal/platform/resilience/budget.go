package resilience

import "sync"

// retryBudget is a token bucket shared by all calls of one system: each call
// deposits ratio of a token, each retry takes a whole one, and the bucket
// holds at most reserve tokens (it starts full). Over a long outage retries
// therefore stay at about ratio × calls, instead of multiplying the load on a
// struggling system by 1+MaxRetries. (failsafe-go's budget limits concurrent
// retries instead, which lets every call of a low-traffic system retry.)
//
// Tokens are counted in thousandths so the arithmetic is exact.
type retryBudget struct {
	mu      sync.Mutex
	tokens  int64
	deposit int64
	ceiling int64
}

const milliToken = 1000

// newRetryBudget returns nil (no budget) for a negative ratio.
func newRetryBudget(ratio float64, reserve int) *retryBudget {
	if ratio < 0 {
		return nil
	}
	ceiling := int64(max(reserve, 1)) * milliToken
	return &retryBudget{
		tokens:  ceiling,
		deposit: int64(ratio*milliToken + 0.5),
		ceiling: ceiling,
	}
}

// call records one logical call.
func (b *retryBudget) call() {
	if b == nil {
		return
	}
	b.mu.Lock()
	b.tokens = min(b.ceiling, b.tokens+b.deposit)
	b.mu.Unlock()
}

// tryRetry takes a token for one retry, reporting whether there was one.
func (b *retryBudget) tryRetry() bool {
	if b == nil {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tokens < milliToken {
		return false
	}
	b.tokens -= milliToken
	return true
}
