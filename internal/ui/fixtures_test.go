package ui_test

// Answers of the JSON API as the services send them (the shapes of the
// API's documented responses), for the stubs.

func meJSON() obj {
	return obj{
		"user": obj{"id": "u1", "email": "owner@example.com", "ownerName": "김사장", "phone": "010-****-5678",
			"businessNumber": "124-81-*****", "verification": "VERIFIED", "createdAt": "2026-11-01T00:00:00Z"},
		"store": obj{"id": "s1", "name": "행복카페", "industry": "CAFE", "regionSido": "서울특별시", "regionSigungu": "강남구",
			"address": "서울 강남구 테헤란로 1", "phone": "02-123-4567", "updatedAt": "2026-11-01T00:00:00Z"},
		"federationLinked": false,
	}
}

func planJSON() obj {
	return obj{"optionNumber": 2, "title": "겨울 붕어빵 추첨", "concept": "따뜻한 간식", "description": "매장 QR로 참여하세요",
		"benefit": "붕어빵 세트", "mechanic": "GIFT", "method": "LOTTERY", "couponCount": 0, "winnerCount": 10,
		"startDate": "2026-12-10", "endDate": "2026-12-24",
		"estimatedCost":   obj{"min": 100000, "max": 250000},
		"expectedMetrics": obj{"newCustomers": obj{"min": 20, "max": 40}, "revenueIncrease": obj{"min": 300000, "max": 900000}, "roi": obj{"min": 80, "max": 260}},
		"copy":            obj{"headline": "붕어빵이 왔어요", "body": "추첨으로 10분께 드려요", "hashtags": []string{"#붕어빵", "#강남카페"}}}
}

// eventJSON is an event of the status; any status past DRAFT has a plan.
func eventJSON(status string) obj {
	e := obj{"id": "ev1", "storeId": "s1", "storeName": "행복카페", "industry": "CAFE", "regionSido": "서울특별시",
		"regionSigungu": "강남구", "purpose": "NEW_CUSTOMERS", "status": status, "channels": []string{},
		"createdAt": "2026-12-01T01:00:00Z", "updatedAt": "2026-12-01T01:00:00Z"}
	if status != "DRAFT" {
		e["plan"], e["aiProvider"] = planJSON(), "local"
	}
	return e
}

func optionJSON(n int, title, method string, count int) obj {
	return obj{"optionNumber": n, "concept": title + " 콘셉트", "title": title, "description": "설명",
		"targetAudience":      "20~30대 직장인",
		"duration":            obj{"recommendedDays": 14, "recommendedPeriod": "2주"},
		"mechanics":           obj{"type": "GIFT", "details": title + " 방식 안내"},
		"promotionChannels":   []string{"인스타그램", "카카오 채널"},
		"estimatedCost":       obj{"min": 100000, "max": 250000},
		"expectedMetrics":     obj{"newCustomers": obj{"min": 20, "max": 40}, "revenueIncrease": obj{"min": 300000, "max": 900000}, "roi": obj{"min": 80, "max": 260}},
		"differentiator":      "동네 최초",
		"participationMethod": obj{"type": method, "couponCount": count},
		"copy":                obj{"headline": title + " 헤드라인", "body": "본문", "hashtags": []string{"#이벤트"}}}
}

func recommendationJSON() obj {
	return obj{"eventId": "ev1", "aiProvider": "local",
		"trendAnalysis": obj{
			"industryTrends": []obj{{"keyword": "말차 디저트", "relevance": 0.9, "description": "카페 인기"}},
			"regionalTrends": []obj{{"keyword": "직장인 점심", "relevance": 0.8, "description": "강남 상권"}},
			"seasonalTrends": []obj{{"keyword": "겨울 간식", "relevance": 0.7, "description": "12월"}}},
		"recommendations": []obj{
			optionJSON(1, "첫 방문 할인", "FIRST_COME", 100),
			optionJSON(2, "겨울 붕어빵 추첨", "LOTTERY", 10),
			optionJSON(3, "스탬프 두 배", "FIRST_COME", 50)},
		"generatedAt": "2026-12-01T01:00:00Z", "expiresAt": "2026-12-01T02:00:00Z"}
}

func jobJSON(status string, progress int, message string) obj {
	return obj{"id": "job1", "status": status, "progress": progress, "message": message}
}

// publicEventJSON is the public view of an event (GET /public/event-codes/{code}).
func publicEventJSON(method, phase string) obj {
	return obj{"eventId": "ev1", "code": "abcdefghij", "title": "겨울 붕어빵 추첨", "storeName": "행복카페",
		"benefit": "붕어빵 세트", "description": "매장 QR로 참여하세요", "method": method, "couponCount": 100,
		"couponsLeft": 42, "winnerCount": 10, "startsAt": "2026-12-09T15:00:00Z", "endsAt": "2026-12-24T15:00:00Z", "phase": phase}
}

func drawJSON(id, status string) obj {
	d := obj{"id": id, "eventId": "ev1", "status": status, "commitment": "c0ffee" + id, "entryCount": 120,
		"visitEntryCount": 30, "winnerCount": 1, "exclusions": []int{}, "committedInAdvance": true,
		"committedAt": "2026-12-20T01:00:00Z", "createdAt": "2026-12-20T01:00:00Z", "winners": []obj{}}
	if status == "DRAWN" {
		d["seed"], d["algorithm"], d["entryListHash"], d["visitBonusWeight"] = "5eed"+id, "ae-weighted-v1", "e1157"+id, 2
		d["drawnAt"], d["proofUrl"], d["entriesUrl"], d["verifyCommand"] = "2026-12-24T01:00:00Z", "/proof/"+id, "/entries/"+id, "autoevent verify "+id
		d["winners"] = []obj{{"rank": 1, "entryNumber": 17, "name": "이*영", "phone": "010-****-1234", "storeVisit": true,
			"notification": obj{"status": "DELIVERED", "attempts": 1, "updatedAt": "2026-12-24T01:01:00Z"}}}
	}
	return d
}

func eventDrawsJSON(draws ...obj) obj {
	return obj{"event": obj{"id": "ev1", "title": "겨울 붕어빵 추첨", "storeName": "행복카페", "method": "LOTTERY",
		"status": "ACTIVE", "startsAt": "2026-12-09T15:00:00Z", "endsAt": "2026-12-24T15:00:00Z", "code": "abcdefghij"},
		"draws": draws}
}

// overviewJSON is the owner's participation overview (GET /events/{id}/participation).
func overviewJSON(method, phase string) obj {
	return obj{"eventId": "ev1", "title": "겨울 붕어빵 추첨", "method": method, "phase": phase, "couponCount": 100,
		"entries": 3, "storeVisits": 1, "couponsIssued": 3, "couponsRedeemed": 1,
		"publicUrl": "http://localhost:8080/e/abcdefghij", "visitUrl": "http://localhost:8080/e/abcdefghij?v=t"}
}
