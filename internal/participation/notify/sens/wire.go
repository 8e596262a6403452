package sens

// Wire types of the SENS 알림톡 v2 and SMS v2 APIs, field names as in the
// NCP API reference (api.ncloud-docs.com, "SENS" → Alimtalk / SMS).

// AlimtalkRequest is the body of POST /alimtalk/v2/services/{serviceId}/messages.
type AlimtalkRequest struct {
	PlusFriendID    string            `json:"plusFriendId"`
	TemplateCode    string            `json:"templateCode"`
	Messages        []AlimtalkMessage `json:"messages"`                  // at most MaxMessages
	ReserveTime     string            `json:"reserveTime,omitempty"`     // "yyyy-MM-dd HH:mm"
	ReserveTimeZone string            `json:"reserveTimeZone,omitempty"` // e.g. "Asia/Seoul"
}

// AlimtalkMessage is one recipient of a 알림톡 request.
type AlimtalkMessage struct {
	CountryCode    string          `json:"countryCode,omitempty"`
	To             string          `json:"to"`
	Title          string          `json:"title,omitempty"` // highlight templates only
	Content        string          `json:"content"`
	Buttons        []Button        `json:"buttons,omitempty"`
	UseSmsFailover bool            `json:"useSmsFailover"`
	FailoverConfig *FailoverConfig `json:"failoverConfig,omitempty"`
}

// Button is a 알림톡 button; it must match the approved template.
type Button struct {
	Type          string `json:"type"` // "WL" web link, "AL" app link, "BK" bot keyword, …
	Name          string `json:"name"`
	LinkMobile    string `json:"linkMobile,omitempty"`
	LinkPC        string `json:"linkPc,omitempty"`
	SchemeIOS     string `json:"schemeIos,omitempty"`
	SchemeAndroid string `json:"schemeAndroid,omitempty"`
}

// FailoverConfig is the SMS/LMS SENS sends itself when the 알림톡 fails.
type FailoverConfig struct {
	Type    string `json:"type,omitempty"` // "SMS" or "LMS"
	From    string `json:"from,omitempty"`
	Subject string `json:"subject,omitempty"`
	Content string `json:"content,omitempty"`
}

// AlimtalkResponse answers a 알림톡 send (HTTP 202).
type AlimtalkResponse struct {
	RequestID   string                  `json:"requestId"`
	RequestTime string                  `json:"requestTime"`
	StatusCode  string                  `json:"statusCode"` // "202"
	StatusName  string                  `json:"statusName"` // "success", "processing", "reserved", "fail"
	Messages    []AlimtalkMessageResult `json:"messages"`
}

// AlimtalkMessageResult is one message of a send answer or a result query.
type AlimtalkMessageResult struct {
	RequestID         string `json:"requestId,omitempty"`
	MessageID         string `json:"messageId"`
	RequestTime       string `json:"requestTime,omitempty"`
	CompleteTime      string `json:"completeTime,omitempty"`
	PlusFriendID      string `json:"plusFriendId,omitempty"`
	TemplateCode      string `json:"templateCode,omitempty"`
	CountryCode       string `json:"countryCode,omitempty"`
	To                string `json:"to"`
	Content           string `json:"content,omitempty"`
	RequestStatusCode string `json:"requestStatusCode"` // "A000" accepted
	RequestStatusName string `json:"requestStatusName"` // "success" | "fail"
	RequestStatusDesc string `json:"requestStatusDesc,omitempty"`
	MessageStatusCode string `json:"messageStatusCode,omitempty"` // "0000" delivered
	MessageStatusName string `json:"messageStatusName,omitempty"` // "success" | "processing" | "fail"
	MessageStatusDesc string `json:"messageStatusDesc,omitempty"`
	UseSmsFailover    bool   `json:"useSmsFailover"`
}

// AlimtalkList answers GET …/messages?requestId=….
type AlimtalkList struct {
	RequestID  string                  `json:"requestId"`
	StatusCode string                  `json:"statusCode"`
	StatusName string                  `json:"statusName"`
	Messages   []AlimtalkMessageResult `json:"messages"`
	PageIndex  int                     `json:"pageIndex"`
	PageSize   int                     `json:"pageSize"`
	ItemCount  int                     `json:"itemCount"`
	HasMore    bool                    `json:"hasMore"`
}

// Request status codes of SENS 알림톡.
const (
	RequestAccepted  = "A000" // requestStatusCode of an accepted message
	MessageDelivered = "0000" // messageStatusCode of a delivered message
)

// SMSRequest is the body of POST /sms/v2/services/{serviceId}/messages.
type SMSRequest struct {
	Type        string       `json:"type"`                  // "SMS" | "LMS" | "MMS"
	ContentType string       `json:"contentType,omitempty"` // "COMM" | "AD"
	CountryCode string       `json:"countryCode,omitempty"`
	From        string       `json:"from"`
	Subject     string       `json:"subject,omitempty"` // LMS/MMS only
	Content     string       `json:"content"`
	Messages    []SMSMessage `json:"messages"` // at most MaxMessages
	ReserveTime string       `json:"reserveTime,omitempty"`
}

// SMSMessage is one recipient; Subject and Content override the defaults.
type SMSMessage struct {
	To      string `json:"to"`
	Subject string `json:"subject,omitempty"`
	Content string `json:"content,omitempty"`
}

// SMSResponse answers an SMS send (HTTP 202).
type SMSResponse struct {
	RequestID   string `json:"requestId"`
	RequestTime string `json:"requestTime"`
	StatusCode  string `json:"statusCode"` // "202"
	StatusName  string `json:"statusName"` // "success" | "fail"
}

// SMSList answers GET /sms/v2/services/{serviceId}/messages?requestId=….
type SMSList struct {
	RequestID  string           `json:"requestId"`
	StatusCode string           `json:"statusCode"`
	StatusName string           `json:"statusName"` // "success" | "processing" | "fail"
	Messages   []SMSListMessage `json:"messages"`
}

// SMSListMessage is one message of a request.
type SMSListMessage struct {
	MessageID   string `json:"messageId"`
	RequestTime string `json:"requestTime"`
	ContentType string `json:"contentType"`
	CountryCode string `json:"countryCode"`
	From        string `json:"from"`
	To          string `json:"to"`
}

// SMSResult answers GET /sms/v2/services/{serviceId}/messages/{messageId}.
type SMSResult struct {
	StatusCode string             `json:"statusCode"`
	StatusName string             `json:"statusName"`
	Messages   []SMSMessageResult `json:"messages"`
}

// SMSMessageResult is the delivery result of one SMS.
type SMSMessageResult struct {
	RequestTime   string `json:"requestTime"`
	ContentType   string `json:"contentType"`
	Content       string `json:"content"`
	CountryCode   string `json:"countryCode"`
	From          string `json:"from"`
	To            string `json:"to"`
	Status        string `json:"status"`     // "READY" | "PROCESSING" | "COMPLETED"
	StatusCode    string `json:"statusCode"` // "0" delivered, else a carrier code
	StatusName    string `json:"statusName"` // "success" | "fail"
	StatusMessage string `json:"statusMessage"`
	CompleteTime  string `json:"completeTime"`
	TelcoCode     string `json:"telcoCode"`
}

// MaxMessages is the SENS limit of recipients per request.
const MaxMessages = 100
