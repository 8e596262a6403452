package messages

import "slices"

// Purpose is the owner's goal for an event (UFR-EVENT-020).
type Purpose string

// Event purposes.
const (
	PurposeNewCustomers Purpose = "NEW_CUSTOMERS" // 신규 고객 유치
	PurposeRevisit      Purpose = "REVISIT"       // 재방문 유도
	PurposeSales        Purpose = "SALES"         // 매출 증대
	PurposeAwareness    Purpose = "AWARENESS"     // 인지도 향상
	PurposeNewProduct   Purpose = "NEW_PRODUCT"   // 신메뉴/신상품 홍보
	PurposeOther        Purpose = "OTHER"         // 기타 (free text)
)

// Purposes lists every accepted purpose, in the order owners see them.
var Purposes = []Purpose{
	PurposeNewCustomers, PurposeRevisit, PurposeSales,
	PurposeAwareness, PurposeNewProduct, PurposeOther,
}

// Valid reports whether p is a known purpose.
func (p Purpose) Valid() bool { return slices.Contains(Purposes, p) }

// Label is the Korean name shown to owners.
func (p Purpose) Label() string {
	switch p {
	case PurposeNewCustomers:
		return "신규 고객 유치"
	case PurposeRevisit:
		return "재방문 유도"
	case PurposeSales:
		return "매출 증대"
	case PurposeAwareness:
		return "인지도 향상"
	case PurposeNewProduct:
		return "신메뉴/신상품 홍보"
	case PurposeOther:
		return "기타"
	}
	return string(p)
}

// Mechanic is the kind of event mechanic (seed 004 mechanics.type).
type Mechanic string

// Mechanics. STAMP stays accepted (seed 004, remote providers) but the
// local planner never offers it: one entry per phone cannot count stamps.
const (
	MechanicDiscount   Mechanic = "DISCOUNT"
	MechanicGift       Mechanic = "GIFT"
	MechanicStamp      Mechanic = "STAMP"
	MechanicExperience Mechanic = "EXPERIENCE"
	MechanicLottery    Mechanic = "LOTTERY"
	MechanicFirstCome  Mechanic = "FIRST_COME"
)

// Mechanics lists every accepted mechanic.
var Mechanics = []Mechanic{
	MechanicDiscount, MechanicGift, MechanicStamp,
	MechanicExperience, MechanicLottery, MechanicFirstCome,
}

// Valid reports whether m is a known mechanic.
func (m Mechanic) Valid() bool { return slices.Contains(Mechanics, m) }

// Method is how customers take part and who benefits: a lottery drawn after
// the period (추첨형) or first-come coupons (선착순형).
type Method string

// Participation methods.
const (
	MethodLottery   Method = "LOTTERY"
	MethodFirstCome Method = "FIRST_COME"
)

// Valid reports whether m is a known participation method.
func (m Method) Valid() bool { return m == MethodLottery || m == MethodFirstCome }

// Label is the Korean name shown to owners and customers.
func (m Method) Label() string {
	switch m {
	case MethodLottery:
		return "추첨형"
	case MethodFirstCome:
		return "선착순형"
	}
	return string(m)
}

// Channel codes an approved event may be distributed to (the distribution
// service's channels; the AI planner recommends from the same list).
const (
	ChannelStorePoster  = "STORE_POSTER" // in-store QR poster
	ChannelInstagram    = "INSTAGRAM"
	ChannelKakaoChannel = "KAKAO_CHANNEL"
	ChannelNaverBlog    = "NAVER_BLOG"
	ChannelUridongneTV  = "URIDONGNE_TV" // 우리동네TV
	ChannelGenieTV      = "GENIE_TV"     // 지니TV
	ChannelRingoBiz     = "RINGO_BIZ"    // 링고비즈 (ringback tone)
)

// Channels lists every channel code.
var Channels = []string{
	ChannelStorePoster, ChannelInstagram, ChannelKakaoChannel, ChannelNaverBlog,
	ChannelUridongneTV, ChannelGenieTV, ChannelRingoBiz,
}

// ValidChannel reports whether code is a known channel.
func ValidChannel(code string) bool { return slices.Contains(Channels, code) }

// EndReason says why an event ended (EventEnded.Reason).
type EndReason string

// End reasons.
const (
	EndPeriodOver EndReason = "PERIOD_OVER" // the last day passed
	EndSoldOut    EndReason = "SOLD_OUT"    // the last first-come coupon was issued
	EndOwner      EndReason = "OWNER"       // the owner closed it
	EndDrawn      EndReason = "DRAWN"       // the owner drew the lottery, which closes entries first
)
