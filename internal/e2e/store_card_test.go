package e2e

import (
	"net/http"
	"testing"
)

// The public event view carries the store's current address and phone
// (read from the user service when it answers), so customers know where
// to go and whom to call; an unknown store id is 404 problem+json.
func TestPublicEventShowsStoreContact(t *testing.T) {
	EachDB(t, func(t *testing.T, e *Env) {
		ev := lotteryThroughEventService(t, e)
		if res := e.Do("PUT", "/api/v1/stores/me", ev.Owner.Token, map[string]string{"name": "테스트 가게", "industry": "CAFE",
			"region": "서울 강남구", "address": "서울 강남구 테헤란로 7", "phone": "02-555-1234"}); res.Status != http.StatusOK {
			t.Fatalf("store update: %d %s", res.Status, res.Body)
		}
		var pub struct{ StoreName, StoreAddress, StorePhone string }
		res := e.Do("GET", "/api/v1/public/event-codes/"+ev.Code, "", nil)
		res.JSON(t, &pub)
		if res.Status != http.StatusOK || pub.StoreAddress != "서울 강남구 테헤란로 7" || pub.StorePhone != "02-555-1234" {
			t.Errorf("public event %d %s: want the store's address and phone", res.Status, res.Body)
		}
		if res := e.Do("GET", "/api/v1/public/stores/no-such-store", "", nil); res.Status != http.StatusNotFound || res.Code() != "store_not_found" {
			t.Errorf("unknown store card: %d %s", res.Status, res.Body)
		}
	})
}
