package enforcingfs

import (
	"context"

	rpc "github.com/cs3org/go-cs3apis/cs3/rpc/v1beta1"
	"github.com/cs3org/reva/pkg/rgrpc"
	"google.golang.org/grpc"
)

// InterceptorName is the gRPC interceptor to enable in the revad
// configuration ([grpc.interceptors.cs3w-intent]) next to the drivers.
const InterceptorName = "cs3w-intent"

func init() {
	rgrpc.RegisterUnaryInterceptor(InterceptorName, newIntentInterceptor)
}

// intent is what a client asked the storage to make sure of before it
// writes: the CS3 request fields if_match, if_not_exist and lock_id.
//
// Reva v1.29's storage provider never hands them to the driver: its
// InitiateFileUpload passes only Upload-Length, Upload-Checksum and
// X-OC-Mtime, and Delete, Move and SetArbitraryMetadata pass only the
// references (internal/grpc/services/storageprovider/storageprovider.go).
// The gateway forwards the request messages whole, so an interceptor on the
// provider's gRPC server still sees them; it puts them into the context,
// which the provider hands to the driver unchanged.
type intent struct {
	ifMatch    string
	ifNotExist bool
	lockID     string
}

// verdict lets a driver say which CS3 status a refusal must have. Reva's
// provider maps only its own error types (v1.29 has none for "locked" or
// "etag mismatch", so those become INTERNAL); the interceptor writes the
// code the driver chose into the response instead.
type verdict struct {
	code rpc.Code
	msg  string
}

type intentKey struct{}

type verdictKey struct{}

func intentFrom(ctx context.Context) intent {
	in, _ := ctx.Value(intentKey{}).(intent)
	return in
}

// refuse records the CS3 code for a refusal (when the call came through the
// interceptor) and returns err for the driver to return.
func refuse(ctx context.Context, code rpc.Code, err error) error {
	if v, ok := ctx.Value(verdictKey{}).(*verdict); ok {
		v.code, v.msg = code, err.Error()
	}
	return err
}

func newIntentInterceptor(map[string]interface{}) (grpc.UnaryServerInterceptor, int, error) {
	return func(ctx context.Context, req interface{}, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (interface{}, error) {
		var in intent
		if r, ok := req.(interface{ GetIfMatch() string }); ok {
			in.ifMatch = r.GetIfMatch()
		}
		if r, ok := req.(interface{ GetIfNotExist() bool }); ok {
			in.ifNotExist = r.GetIfNotExist()
		}
		if r, ok := req.(interface{ GetLockId() string }); ok {
			in.lockID = r.GetLockId()
		}
		v := &verdict{}
		ctx = context.WithValue(ctx, intentKey{}, in)
		ctx = context.WithValue(ctx, verdictKey{}, v)
		res, err := handler(ctx, req)
		if v.code != rpc.Code_CODE_INVALID {
			if r, ok := res.(interface{ GetStatus() *rpc.Status }); ok {
				if st := r.GetStatus(); st != nil && st.Code != rpc.Code_CODE_OK {
					st.Code, st.Message = v.code, v.msg
				}
			}
		}
		return res, err
	}, 150, nil
}
