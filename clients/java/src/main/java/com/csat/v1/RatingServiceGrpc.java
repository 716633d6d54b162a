package com.csat.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * RatingService stores customers' answers to surveys and reads them back, once or as a live stream.
 * Rules that hold for every write:
 * - Idempotency: (survey_id, rating_id) is unique. Sending the same rating again returns the stored
 *   one and counts nothing twice; the same key with other content is ALREADY_EXISTS.
 * - Durability: OK means committed; the rating survives a crash of the server the next instant.
 * - Order: `sequence` is assigned in commit order and never reused, so a reader that resumes with
 *   start_after = the last sequence it saw misses nothing and sees nothing twice.
 * - Validation: INVALID_ARGUMENT (ErrorInfo reason INVALID_FIELD, with a google.rpc.BadRequest
 *   naming every bad field with its reason as SurveyService lists them, up to 20, the message
 *   counting the others) for a score outside the survey's scale, a comment over 4,000
 *   characters, over 32 attributes, attribute keys not `[a-z0-9_.-]{1,63}`, attribute values over
 *   256 characters, a NUL character in any text, occur_time more than 5 minutes in the future, ids
 *   not `[A-Za-z0-9_.:-]{1,128}`; NOT_FOUND for an unknown survey; FAILED_PRECONDITION for an
 *   archived one. A rejected request changes nothing.
 * - Storage: RESOURCE_EXHAUSTED (ErrorInfo reason DISK_FULL) while the database's disk is full,
 *   nothing stored; UNAVAILABLE while the database is out of reach: retry with the same
 *   rating_id, which is answered as a duplicate if the first attempt was stored after all.
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class RatingServiceGrpc {

  private RatingServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "csat.v1.RatingService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<com.csat.v1.SubmitRatingRequest,
      com.csat.v1.SubmitRatingResponse> getSubmitRatingMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "SubmitRating",
      requestType = com.csat.v1.SubmitRatingRequest.class,
      responseType = com.csat.v1.SubmitRatingResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<com.csat.v1.SubmitRatingRequest,
      com.csat.v1.SubmitRatingResponse> getSubmitRatingMethod() {
    io.grpc.MethodDescriptor<com.csat.v1.SubmitRatingRequest, com.csat.v1.SubmitRatingResponse> getSubmitRatingMethod;
    if ((getSubmitRatingMethod = RatingServiceGrpc.getSubmitRatingMethod) == null) {
      synchronized (RatingServiceGrpc.class) {
        if ((getSubmitRatingMethod = RatingServiceGrpc.getSubmitRatingMethod) == null) {
          RatingServiceGrpc.getSubmitRatingMethod = getSubmitRatingMethod =
              io.grpc.MethodDescriptor.<com.csat.v1.SubmitRatingRequest, com.csat.v1.SubmitRatingResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "SubmitRating"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.SubmitRatingRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.SubmitRatingResponse.getDefaultInstance()))
              .setSchemaDescriptor(new RatingServiceMethodDescriptorSupplier("SubmitRating"))
              .build();
        }
      }
    }
    return getSubmitRatingMethod;
  }

  private static volatile io.grpc.MethodDescriptor<com.csat.v1.BatchSubmitRatingsRequest,
      com.csat.v1.BatchSubmitRatingsResponse> getBatchSubmitRatingsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "BatchSubmitRatings",
      requestType = com.csat.v1.BatchSubmitRatingsRequest.class,
      responseType = com.csat.v1.BatchSubmitRatingsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<com.csat.v1.BatchSubmitRatingsRequest,
      com.csat.v1.BatchSubmitRatingsResponse> getBatchSubmitRatingsMethod() {
    io.grpc.MethodDescriptor<com.csat.v1.BatchSubmitRatingsRequest, com.csat.v1.BatchSubmitRatingsResponse> getBatchSubmitRatingsMethod;
    if ((getBatchSubmitRatingsMethod = RatingServiceGrpc.getBatchSubmitRatingsMethod) == null) {
      synchronized (RatingServiceGrpc.class) {
        if ((getBatchSubmitRatingsMethod = RatingServiceGrpc.getBatchSubmitRatingsMethod) == null) {
          RatingServiceGrpc.getBatchSubmitRatingsMethod = getBatchSubmitRatingsMethod =
              io.grpc.MethodDescriptor.<com.csat.v1.BatchSubmitRatingsRequest, com.csat.v1.BatchSubmitRatingsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "BatchSubmitRatings"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.BatchSubmitRatingsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.BatchSubmitRatingsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new RatingServiceMethodDescriptorSupplier("BatchSubmitRatings"))
              .build();
        }
      }
    }
    return getBatchSubmitRatingsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<com.csat.v1.ImportRatingsRequest,
      com.csat.v1.ImportRatingsResponse> getImportRatingsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ImportRatings",
      requestType = com.csat.v1.ImportRatingsRequest.class,
      responseType = com.csat.v1.ImportRatingsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.CLIENT_STREAMING)
  public static io.grpc.MethodDescriptor<com.csat.v1.ImportRatingsRequest,
      com.csat.v1.ImportRatingsResponse> getImportRatingsMethod() {
    io.grpc.MethodDescriptor<com.csat.v1.ImportRatingsRequest, com.csat.v1.ImportRatingsResponse> getImportRatingsMethod;
    if ((getImportRatingsMethod = RatingServiceGrpc.getImportRatingsMethod) == null) {
      synchronized (RatingServiceGrpc.class) {
        if ((getImportRatingsMethod = RatingServiceGrpc.getImportRatingsMethod) == null) {
          RatingServiceGrpc.getImportRatingsMethod = getImportRatingsMethod =
              io.grpc.MethodDescriptor.<com.csat.v1.ImportRatingsRequest, com.csat.v1.ImportRatingsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.CLIENT_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ImportRatings"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.ImportRatingsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.ImportRatingsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new RatingServiceMethodDescriptorSupplier("ImportRatings"))
              .build();
        }
      }
    }
    return getImportRatingsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<com.csat.v1.GetRatingRequest,
      com.csat.v1.GetRatingResponse> getGetRatingMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetRating",
      requestType = com.csat.v1.GetRatingRequest.class,
      responseType = com.csat.v1.GetRatingResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<com.csat.v1.GetRatingRequest,
      com.csat.v1.GetRatingResponse> getGetRatingMethod() {
    io.grpc.MethodDescriptor<com.csat.v1.GetRatingRequest, com.csat.v1.GetRatingResponse> getGetRatingMethod;
    if ((getGetRatingMethod = RatingServiceGrpc.getGetRatingMethod) == null) {
      synchronized (RatingServiceGrpc.class) {
        if ((getGetRatingMethod = RatingServiceGrpc.getGetRatingMethod) == null) {
          RatingServiceGrpc.getGetRatingMethod = getGetRatingMethod =
              io.grpc.MethodDescriptor.<com.csat.v1.GetRatingRequest, com.csat.v1.GetRatingResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetRating"))
              .setSafe(true)
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.GetRatingRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.GetRatingResponse.getDefaultInstance()))
              .setSchemaDescriptor(new RatingServiceMethodDescriptorSupplier("GetRating"))
              .build();
        }
      }
    }
    return getGetRatingMethod;
  }

  private static volatile io.grpc.MethodDescriptor<com.csat.v1.ListRatingsRequest,
      com.csat.v1.ListRatingsResponse> getListRatingsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListRatings",
      requestType = com.csat.v1.ListRatingsRequest.class,
      responseType = com.csat.v1.ListRatingsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<com.csat.v1.ListRatingsRequest,
      com.csat.v1.ListRatingsResponse> getListRatingsMethod() {
    io.grpc.MethodDescriptor<com.csat.v1.ListRatingsRequest, com.csat.v1.ListRatingsResponse> getListRatingsMethod;
    if ((getListRatingsMethod = RatingServiceGrpc.getListRatingsMethod) == null) {
      synchronized (RatingServiceGrpc.class) {
        if ((getListRatingsMethod = RatingServiceGrpc.getListRatingsMethod) == null) {
          RatingServiceGrpc.getListRatingsMethod = getListRatingsMethod =
              io.grpc.MethodDescriptor.<com.csat.v1.ListRatingsRequest, com.csat.v1.ListRatingsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListRatings"))
              .setSafe(true)
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.ListRatingsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.ListRatingsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new RatingServiceMethodDescriptorSupplier("ListRatings"))
              .build();
        }
      }
    }
    return getListRatingsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<com.csat.v1.StreamRatingsRequest,
      com.csat.v1.StreamRatingsResponse> getStreamRatingsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "StreamRatings",
      requestType = com.csat.v1.StreamRatingsRequest.class,
      responseType = com.csat.v1.StreamRatingsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
  public static io.grpc.MethodDescriptor<com.csat.v1.StreamRatingsRequest,
      com.csat.v1.StreamRatingsResponse> getStreamRatingsMethod() {
    io.grpc.MethodDescriptor<com.csat.v1.StreamRatingsRequest, com.csat.v1.StreamRatingsResponse> getStreamRatingsMethod;
    if ((getStreamRatingsMethod = RatingServiceGrpc.getStreamRatingsMethod) == null) {
      synchronized (RatingServiceGrpc.class) {
        if ((getStreamRatingsMethod = RatingServiceGrpc.getStreamRatingsMethod) == null) {
          RatingServiceGrpc.getStreamRatingsMethod = getStreamRatingsMethod =
              io.grpc.MethodDescriptor.<com.csat.v1.StreamRatingsRequest, com.csat.v1.StreamRatingsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "StreamRatings"))
              .setSafe(true)
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.StreamRatingsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.StreamRatingsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new RatingServiceMethodDescriptorSupplier("StreamRatings"))
              .build();
        }
      }
    }
    return getStreamRatingsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<com.csat.v1.ExcludeRatingRequest,
      com.csat.v1.ExcludeRatingResponse> getExcludeRatingMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ExcludeRating",
      requestType = com.csat.v1.ExcludeRatingRequest.class,
      responseType = com.csat.v1.ExcludeRatingResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<com.csat.v1.ExcludeRatingRequest,
      com.csat.v1.ExcludeRatingResponse> getExcludeRatingMethod() {
    io.grpc.MethodDescriptor<com.csat.v1.ExcludeRatingRequest, com.csat.v1.ExcludeRatingResponse> getExcludeRatingMethod;
    if ((getExcludeRatingMethod = RatingServiceGrpc.getExcludeRatingMethod) == null) {
      synchronized (RatingServiceGrpc.class) {
        if ((getExcludeRatingMethod = RatingServiceGrpc.getExcludeRatingMethod) == null) {
          RatingServiceGrpc.getExcludeRatingMethod = getExcludeRatingMethod =
              io.grpc.MethodDescriptor.<com.csat.v1.ExcludeRatingRequest, com.csat.v1.ExcludeRatingResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ExcludeRating"))
              .setIdempotent(true)
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.ExcludeRatingRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.ExcludeRatingResponse.getDefaultInstance()))
              .setSchemaDescriptor(new RatingServiceMethodDescriptorSupplier("ExcludeRating"))
              .build();
        }
      }
    }
    return getExcludeRatingMethod;
  }

  private static volatile io.grpc.MethodDescriptor<com.csat.v1.RestoreRatingRequest,
      com.csat.v1.RestoreRatingResponse> getRestoreRatingMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "RestoreRating",
      requestType = com.csat.v1.RestoreRatingRequest.class,
      responseType = com.csat.v1.RestoreRatingResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<com.csat.v1.RestoreRatingRequest,
      com.csat.v1.RestoreRatingResponse> getRestoreRatingMethod() {
    io.grpc.MethodDescriptor<com.csat.v1.RestoreRatingRequest, com.csat.v1.RestoreRatingResponse> getRestoreRatingMethod;
    if ((getRestoreRatingMethod = RatingServiceGrpc.getRestoreRatingMethod) == null) {
      synchronized (RatingServiceGrpc.class) {
        if ((getRestoreRatingMethod = RatingServiceGrpc.getRestoreRatingMethod) == null) {
          RatingServiceGrpc.getRestoreRatingMethod = getRestoreRatingMethod =
              io.grpc.MethodDescriptor.<com.csat.v1.RestoreRatingRequest, com.csat.v1.RestoreRatingResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "RestoreRating"))
              .setIdempotent(true)
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.RestoreRatingRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.RestoreRatingResponse.getDefaultInstance()))
              .setSchemaDescriptor(new RatingServiceMethodDescriptorSupplier("RestoreRating"))
              .build();
        }
      }
    }
    return getRestoreRatingMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static RatingServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<RatingServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<RatingServiceStub>() {
        @java.lang.Override
        public RatingServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new RatingServiceStub(channel, callOptions);
        }
      };
    return RatingServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static RatingServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<RatingServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<RatingServiceBlockingV2Stub>() {
        @java.lang.Override
        public RatingServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new RatingServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return RatingServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static RatingServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<RatingServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<RatingServiceBlockingStub>() {
        @java.lang.Override
        public RatingServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new RatingServiceBlockingStub(channel, callOptions);
        }
      };
    return RatingServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static RatingServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<RatingServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<RatingServiceFutureStub>() {
        @java.lang.Override
        public RatingServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new RatingServiceFutureStub(channel, callOptions);
        }
      };
    return RatingServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * RatingService stores customers' answers to surveys and reads them back, once or as a live stream.
   * Rules that hold for every write:
   * - Idempotency: (survey_id, rating_id) is unique. Sending the same rating again returns the stored
   *   one and counts nothing twice; the same key with other content is ALREADY_EXISTS.
   * - Durability: OK means committed; the rating survives a crash of the server the next instant.
   * - Order: `sequence` is assigned in commit order and never reused, so a reader that resumes with
   *   start_after = the last sequence it saw misses nothing and sees nothing twice.
   * - Validation: INVALID_ARGUMENT (ErrorInfo reason INVALID_FIELD, with a google.rpc.BadRequest
   *   naming every bad field with its reason as SurveyService lists them, up to 20, the message
   *   counting the others) for a score outside the survey's scale, a comment over 4,000
   *   characters, over 32 attributes, attribute keys not `[a-z0-9_.-]{1,63}`, attribute values over
   *   256 characters, a NUL character in any text, occur_time more than 5 minutes in the future, ids
   *   not `[A-Za-z0-9_.:-]{1,128}`; NOT_FOUND for an unknown survey; FAILED_PRECONDITION for an
   *   archived one. A rejected request changes nothing.
   * - Storage: RESOURCE_EXHAUSTED (ErrorInfo reason DISK_FULL) while the database's disk is full,
   *   nothing stored; UNAVAILABLE while the database is out of reach: retry with the same
   *   rating_id, which is answered as a duplicate if the first attempt was stored after all.
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * Stores one rating durably before it answers.
     * </pre>
     */
    default void submitRating(com.csat.v1.SubmitRatingRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.SubmitRatingResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getSubmitRatingMethod(), responseObserver);
    }

    /**
     * <pre>
     * Stores up to 1,000 ratings in one commit, all or nothing: if one is refused, none is stored.
     * </pre>
     */
    default void batchSubmitRatings(com.csat.v1.BatchSubmitRatingsRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.BatchSubmitRatingsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getBatchSubmitRatingsMethod(), responseObserver);
    }

    /**
     * <pre>
     * Bulk load from a client stream. Good rows are kept, bad rows are counted and reported by their
     * position in the stream; the response comes when the client closes its side.
     * </pre>
     */
    default io.grpc.stub.StreamObserver<com.csat.v1.ImportRatingsRequest> importRatings(
        io.grpc.stub.StreamObserver<com.csat.v1.ImportRatingsResponse> responseObserver) {
      return io.grpc.stub.ServerCalls.asyncUnimplementedStreamingCall(getImportRatingsMethod(), responseObserver);
    }

    /**
     * <pre>
     * Returns one rating; NOT_FOUND when it does not exist.
     * </pre>
     */
    default void getRating(com.csat.v1.GetRatingRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.GetRatingResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetRatingMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists ratings that match a filter, newest (highest sequence) first, paged per AIP-158.
     * </pre>
     */
    default void listRatings(com.csat.v1.ListRatingsRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.ListRatingsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListRatingsMethod(), responseObserver);
    }

    /**
     * <pre>
     * Sends every stored rating with sequence &gt; start_after that matches the filter, in sequence
     * order; with follow, then each new matching rating as it is committed, until the caller leaves.
     * The switch from stored to live ratings has no gap and no duplicate. On PostgreSQL, ratings
     * that other replicas commit arrive too, in the same order, within milliseconds (announced by
     * the committing replica; storage is also read every second, so a lost announcement delays a
     * rating, never loses it). A consumer too slow for the live feed is served from storage, never
     * buffered without bound. When the server shuts down, a stream with follow ends with OK; resume
     * elsewhere with start_after = the last sequence received. Without follow, the stream goes on
     * until every stored rating is sent: OK always means all of them. If the server's drain timeout
     * ends first, the connection closes with an error; resume the same way. A server holds at most
     * --max-rating-streams (default 1,000) of these calls open at once: one more is refused with
     * RESOURCE_EXHAUSTED (ErrorInfo reason TOO_MANY_RATING_STREAMS); retry later or on another
     * replica. A stream whose client stops reading costs the server a bounded amount of memory
     * (its connection's buffers and two chunks of ratings), and catches up from storage once the
     * client reads again.
     * </pre>
     */
    default void streamRatings(com.csat.v1.StreamRatingsRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.StreamRatingsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getStreamRatingsMethod(), responseObserver);
    }

    /**
     * <pre>
     * Takes a rating out of every number without deleting it: test answers, spam, a duplicate
     * answer, an employee's. The rating stays stored and readable, with `exclusion` set, and from
     * the moment this call answers OK it counts in no report, benchmark report, customer health or
     * follow-up figure, on every replica. Its follow-up, if it opened one, is kept and can still be
     * worked, but leaves the loop's figures and its customer's open follow-ups. Idempotent:
     * excluding an excluded rating again is OK and changes nothing, whatever its reason and note
     * (the first exclusion's fields, principal and time stay; restore it first to exclude it for
     * another reason). Scope `ratings:exclude`; audit-logged with the caller's principal.
     * NOT_FOUND (RATING_NOT_FOUND, SURVEY_NOT_FOUND) for an unknown rating or survey.
     * </pre>
     */
    default void excludeRating(com.csat.v1.ExcludeRatingRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.ExcludeRatingResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getExcludeRatingMethod(), responseObserver);
    }

    /**
     * <pre>
     * Counts an excluded rating again, everywhere ExcludeRating took it out of, and clears its
     * `exclusion`. Restoring a rating that is not excluded is OK and changes nothing. Scope
     * `ratings:exclude`; audit-logged with the caller's principal.
     * </pre>
     */
    default void restoreRating(com.csat.v1.RestoreRatingRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.RestoreRatingResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getRestoreRatingMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service RatingService.
   * <pre>
   * RatingService stores customers' answers to surveys and reads them back, once or as a live stream.
   * Rules that hold for every write:
   * - Idempotency: (survey_id, rating_id) is unique. Sending the same rating again returns the stored
   *   one and counts nothing twice; the same key with other content is ALREADY_EXISTS.
   * - Durability: OK means committed; the rating survives a crash of the server the next instant.
   * - Order: `sequence` is assigned in commit order and never reused, so a reader that resumes with
   *   start_after = the last sequence it saw misses nothing and sees nothing twice.
   * - Validation: INVALID_ARGUMENT (ErrorInfo reason INVALID_FIELD, with a google.rpc.BadRequest
   *   naming every bad field with its reason as SurveyService lists them, up to 20, the message
   *   counting the others) for a score outside the survey's scale, a comment over 4,000
   *   characters, over 32 attributes, attribute keys not `[a-z0-9_.-]{1,63}`, attribute values over
   *   256 characters, a NUL character in any text, occur_time more than 5 minutes in the future, ids
   *   not `[A-Za-z0-9_.:-]{1,128}`; NOT_FOUND for an unknown survey; FAILED_PRECONDITION for an
   *   archived one. A rejected request changes nothing.
   * - Storage: RESOURCE_EXHAUSTED (ErrorInfo reason DISK_FULL) while the database's disk is full,
   *   nothing stored; UNAVAILABLE while the database is out of reach: retry with the same
   *   rating_id, which is answered as a duplicate if the first attempt was stored after all.
   * </pre>
   */
  public static abstract class RatingServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return RatingServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service RatingService.
   * <pre>
   * RatingService stores customers' answers to surveys and reads them back, once or as a live stream.
   * Rules that hold for every write:
   * - Idempotency: (survey_id, rating_id) is unique. Sending the same rating again returns the stored
   *   one and counts nothing twice; the same key with other content is ALREADY_EXISTS.
   * - Durability: OK means committed; the rating survives a crash of the server the next instant.
   * - Order: `sequence` is assigned in commit order and never reused, so a reader that resumes with
   *   start_after = the last sequence it saw misses nothing and sees nothing twice.
   * - Validation: INVALID_ARGUMENT (ErrorInfo reason INVALID_FIELD, with a google.rpc.BadRequest
   *   naming every bad field with its reason as SurveyService lists them, up to 20, the message
   *   counting the others) for a score outside the survey's scale, a comment over 4,000
   *   characters, over 32 attributes, attribute keys not `[a-z0-9_.-]{1,63}`, attribute values over
   *   256 characters, a NUL character in any text, occur_time more than 5 minutes in the future, ids
   *   not `[A-Za-z0-9_.:-]{1,128}`; NOT_FOUND for an unknown survey; FAILED_PRECONDITION for an
   *   archived one. A rejected request changes nothing.
   * - Storage: RESOURCE_EXHAUSTED (ErrorInfo reason DISK_FULL) while the database's disk is full,
   *   nothing stored; UNAVAILABLE while the database is out of reach: retry with the same
   *   rating_id, which is answered as a duplicate if the first attempt was stored after all.
   * </pre>
   */
  public static final class RatingServiceStub
      extends io.grpc.stub.AbstractAsyncStub<RatingServiceStub> {
    private RatingServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected RatingServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new RatingServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * Stores one rating durably before it answers.
     * </pre>
     */
    public void submitRating(com.csat.v1.SubmitRatingRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.SubmitRatingResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getSubmitRatingMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Stores up to 1,000 ratings in one commit, all or nothing: if one is refused, none is stored.
     * </pre>
     */
    public void batchSubmitRatings(com.csat.v1.BatchSubmitRatingsRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.BatchSubmitRatingsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getBatchSubmitRatingsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Bulk load from a client stream. Good rows are kept, bad rows are counted and reported by their
     * position in the stream; the response comes when the client closes its side.
     * </pre>
     */
    public io.grpc.stub.StreamObserver<com.csat.v1.ImportRatingsRequest> importRatings(
        io.grpc.stub.StreamObserver<com.csat.v1.ImportRatingsResponse> responseObserver) {
      return io.grpc.stub.ClientCalls.asyncClientStreamingCall(
          getChannel().newCall(getImportRatingsMethod(), getCallOptions()), responseObserver);
    }

    /**
     * <pre>
     * Returns one rating; NOT_FOUND when it does not exist.
     * </pre>
     */
    public void getRating(com.csat.v1.GetRatingRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.GetRatingResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetRatingMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists ratings that match a filter, newest (highest sequence) first, paged per AIP-158.
     * </pre>
     */
    public void listRatings(com.csat.v1.ListRatingsRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.ListRatingsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListRatingsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Sends every stored rating with sequence &gt; start_after that matches the filter, in sequence
     * order; with follow, then each new matching rating as it is committed, until the caller leaves.
     * The switch from stored to live ratings has no gap and no duplicate. On PostgreSQL, ratings
     * that other replicas commit arrive too, in the same order, within milliseconds (announced by
     * the committing replica; storage is also read every second, so a lost announcement delays a
     * rating, never loses it). A consumer too slow for the live feed is served from storage, never
     * buffered without bound. When the server shuts down, a stream with follow ends with OK; resume
     * elsewhere with start_after = the last sequence received. Without follow, the stream goes on
     * until every stored rating is sent: OK always means all of them. If the server's drain timeout
     * ends first, the connection closes with an error; resume the same way. A server holds at most
     * --max-rating-streams (default 1,000) of these calls open at once: one more is refused with
     * RESOURCE_EXHAUSTED (ErrorInfo reason TOO_MANY_RATING_STREAMS); retry later or on another
     * replica. A stream whose client stops reading costs the server a bounded amount of memory
     * (its connection's buffers and two chunks of ratings), and catches up from storage once the
     * client reads again.
     * </pre>
     */
    public void streamRatings(com.csat.v1.StreamRatingsRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.StreamRatingsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncServerStreamingCall(
          getChannel().newCall(getStreamRatingsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Takes a rating out of every number without deleting it: test answers, spam, a duplicate
     * answer, an employee's. The rating stays stored and readable, with `exclusion` set, and from
     * the moment this call answers OK it counts in no report, benchmark report, customer health or
     * follow-up figure, on every replica. Its follow-up, if it opened one, is kept and can still be
     * worked, but leaves the loop's figures and its customer's open follow-ups. Idempotent:
     * excluding an excluded rating again is OK and changes nothing, whatever its reason and note
     * (the first exclusion's fields, principal and time stay; restore it first to exclude it for
     * another reason). Scope `ratings:exclude`; audit-logged with the caller's principal.
     * NOT_FOUND (RATING_NOT_FOUND, SURVEY_NOT_FOUND) for an unknown rating or survey.
     * </pre>
     */
    public void excludeRating(com.csat.v1.ExcludeRatingRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.ExcludeRatingResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getExcludeRatingMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Counts an excluded rating again, everywhere ExcludeRating took it out of, and clears its
     * `exclusion`. Restoring a rating that is not excluded is OK and changes nothing. Scope
     * `ratings:exclude`; audit-logged with the caller's principal.
     * </pre>
     */
    public void restoreRating(com.csat.v1.RestoreRatingRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.RestoreRatingResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getRestoreRatingMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service RatingService.
   * <pre>
   * RatingService stores customers' answers to surveys and reads them back, once or as a live stream.
   * Rules that hold for every write:
   * - Idempotency: (survey_id, rating_id) is unique. Sending the same rating again returns the stored
   *   one and counts nothing twice; the same key with other content is ALREADY_EXISTS.
   * - Durability: OK means committed; the rating survives a crash of the server the next instant.
   * - Order: `sequence` is assigned in commit order and never reused, so a reader that resumes with
   *   start_after = the last sequence it saw misses nothing and sees nothing twice.
   * - Validation: INVALID_ARGUMENT (ErrorInfo reason INVALID_FIELD, with a google.rpc.BadRequest
   *   naming every bad field with its reason as SurveyService lists them, up to 20, the message
   *   counting the others) for a score outside the survey's scale, a comment over 4,000
   *   characters, over 32 attributes, attribute keys not `[a-z0-9_.-]{1,63}`, attribute values over
   *   256 characters, a NUL character in any text, occur_time more than 5 minutes in the future, ids
   *   not `[A-Za-z0-9_.:-]{1,128}`; NOT_FOUND for an unknown survey; FAILED_PRECONDITION for an
   *   archived one. A rejected request changes nothing.
   * - Storage: RESOURCE_EXHAUSTED (ErrorInfo reason DISK_FULL) while the database's disk is full,
   *   nothing stored; UNAVAILABLE while the database is out of reach: retry with the same
   *   rating_id, which is answered as a duplicate if the first attempt was stored after all.
   * </pre>
   */
  public static final class RatingServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<RatingServiceBlockingV2Stub> {
    private RatingServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected RatingServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new RatingServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * Stores one rating durably before it answers.
     * </pre>
     */
    public com.csat.v1.SubmitRatingResponse submitRating(com.csat.v1.SubmitRatingRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getSubmitRatingMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Stores up to 1,000 ratings in one commit, all or nothing: if one is refused, none is stored.
     * </pre>
     */
    public com.csat.v1.BatchSubmitRatingsResponse batchSubmitRatings(com.csat.v1.BatchSubmitRatingsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getBatchSubmitRatingsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Bulk load from a client stream. Good rows are kept, bad rows are counted and reported by their
     * position in the stream; the response comes when the client closes its side.
     * </pre>
     */
    @io.grpc.ExperimentalApi("https://github.com/grpc/grpc-java/issues/10918")
    public io.grpc.stub.BlockingClientCall<com.csat.v1.ImportRatingsRequest, com.csat.v1.ImportRatingsResponse>
        importRatings() {
      return io.grpc.stub.ClientCalls.blockingClientStreamingCall(
          getChannel(), getImportRatingsMethod(), getCallOptions());
    }

    /**
     * <pre>
     * Returns one rating; NOT_FOUND when it does not exist.
     * </pre>
     */
    public com.csat.v1.GetRatingResponse getRating(com.csat.v1.GetRatingRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetRatingMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists ratings that match a filter, newest (highest sequence) first, paged per AIP-158.
     * </pre>
     */
    public com.csat.v1.ListRatingsResponse listRatings(com.csat.v1.ListRatingsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListRatingsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Sends every stored rating with sequence &gt; start_after that matches the filter, in sequence
     * order; with follow, then each new matching rating as it is committed, until the caller leaves.
     * The switch from stored to live ratings has no gap and no duplicate. On PostgreSQL, ratings
     * that other replicas commit arrive too, in the same order, within milliseconds (announced by
     * the committing replica; storage is also read every second, so a lost announcement delays a
     * rating, never loses it). A consumer too slow for the live feed is served from storage, never
     * buffered without bound. When the server shuts down, a stream with follow ends with OK; resume
     * elsewhere with start_after = the last sequence received. Without follow, the stream goes on
     * until every stored rating is sent: OK always means all of them. If the server's drain timeout
     * ends first, the connection closes with an error; resume the same way. A server holds at most
     * --max-rating-streams (default 1,000) of these calls open at once: one more is refused with
     * RESOURCE_EXHAUSTED (ErrorInfo reason TOO_MANY_RATING_STREAMS); retry later or on another
     * replica. A stream whose client stops reading costs the server a bounded amount of memory
     * (its connection's buffers and two chunks of ratings), and catches up from storage once the
     * client reads again.
     * </pre>
     */
    @io.grpc.ExperimentalApi("https://github.com/grpc/grpc-java/issues/10918")
    public io.grpc.stub.BlockingClientCall<?, com.csat.v1.StreamRatingsResponse>
        streamRatings(com.csat.v1.StreamRatingsRequest request) {
      return io.grpc.stub.ClientCalls.blockingV2ServerStreamingCall(
          getChannel(), getStreamRatingsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Takes a rating out of every number without deleting it: test answers, spam, a duplicate
     * answer, an employee's. The rating stays stored and readable, with `exclusion` set, and from
     * the moment this call answers OK it counts in no report, benchmark report, customer health or
     * follow-up figure, on every replica. Its follow-up, if it opened one, is kept and can still be
     * worked, but leaves the loop's figures and its customer's open follow-ups. Idempotent:
     * excluding an excluded rating again is OK and changes nothing, whatever its reason and note
     * (the first exclusion's fields, principal and time stay; restore it first to exclude it for
     * another reason). Scope `ratings:exclude`; audit-logged with the caller's principal.
     * NOT_FOUND (RATING_NOT_FOUND, SURVEY_NOT_FOUND) for an unknown rating or survey.
     * </pre>
     */
    public com.csat.v1.ExcludeRatingResponse excludeRating(com.csat.v1.ExcludeRatingRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getExcludeRatingMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Counts an excluded rating again, everywhere ExcludeRating took it out of, and clears its
     * `exclusion`. Restoring a rating that is not excluded is OK and changes nothing. Scope
     * `ratings:exclude`; audit-logged with the caller's principal.
     * </pre>
     */
    public com.csat.v1.RestoreRatingResponse restoreRating(com.csat.v1.RestoreRatingRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getRestoreRatingMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service RatingService.
   * <pre>
   * RatingService stores customers' answers to surveys and reads them back, once or as a live stream.
   * Rules that hold for every write:
   * - Idempotency: (survey_id, rating_id) is unique. Sending the same rating again returns the stored
   *   one and counts nothing twice; the same key with other content is ALREADY_EXISTS.
   * - Durability: OK means committed; the rating survives a crash of the server the next instant.
   * - Order: `sequence` is assigned in commit order and never reused, so a reader that resumes with
   *   start_after = the last sequence it saw misses nothing and sees nothing twice.
   * - Validation: INVALID_ARGUMENT (ErrorInfo reason INVALID_FIELD, with a google.rpc.BadRequest
   *   naming every bad field with its reason as SurveyService lists them, up to 20, the message
   *   counting the others) for a score outside the survey's scale, a comment over 4,000
   *   characters, over 32 attributes, attribute keys not `[a-z0-9_.-]{1,63}`, attribute values over
   *   256 characters, a NUL character in any text, occur_time more than 5 minutes in the future, ids
   *   not `[A-Za-z0-9_.:-]{1,128}`; NOT_FOUND for an unknown survey; FAILED_PRECONDITION for an
   *   archived one. A rejected request changes nothing.
   * - Storage: RESOURCE_EXHAUSTED (ErrorInfo reason DISK_FULL) while the database's disk is full,
   *   nothing stored; UNAVAILABLE while the database is out of reach: retry with the same
   *   rating_id, which is answered as a duplicate if the first attempt was stored after all.
   * </pre>
   */
  public static final class RatingServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<RatingServiceBlockingStub> {
    private RatingServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected RatingServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new RatingServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * Stores one rating durably before it answers.
     * </pre>
     */
    public com.csat.v1.SubmitRatingResponse submitRating(com.csat.v1.SubmitRatingRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getSubmitRatingMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Stores up to 1,000 ratings in one commit, all or nothing: if one is refused, none is stored.
     * </pre>
     */
    public com.csat.v1.BatchSubmitRatingsResponse batchSubmitRatings(com.csat.v1.BatchSubmitRatingsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getBatchSubmitRatingsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns one rating; NOT_FOUND when it does not exist.
     * </pre>
     */
    public com.csat.v1.GetRatingResponse getRating(com.csat.v1.GetRatingRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetRatingMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists ratings that match a filter, newest (highest sequence) first, paged per AIP-158.
     * </pre>
     */
    public com.csat.v1.ListRatingsResponse listRatings(com.csat.v1.ListRatingsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListRatingsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Sends every stored rating with sequence &gt; start_after that matches the filter, in sequence
     * order; with follow, then each new matching rating as it is committed, until the caller leaves.
     * The switch from stored to live ratings has no gap and no duplicate. On PostgreSQL, ratings
     * that other replicas commit arrive too, in the same order, within milliseconds (announced by
     * the committing replica; storage is also read every second, so a lost announcement delays a
     * rating, never loses it). A consumer too slow for the live feed is served from storage, never
     * buffered without bound. When the server shuts down, a stream with follow ends with OK; resume
     * elsewhere with start_after = the last sequence received. Without follow, the stream goes on
     * until every stored rating is sent: OK always means all of them. If the server's drain timeout
     * ends first, the connection closes with an error; resume the same way. A server holds at most
     * --max-rating-streams (default 1,000) of these calls open at once: one more is refused with
     * RESOURCE_EXHAUSTED (ErrorInfo reason TOO_MANY_RATING_STREAMS); retry later or on another
     * replica. A stream whose client stops reading costs the server a bounded amount of memory
     * (its connection's buffers and two chunks of ratings), and catches up from storage once the
     * client reads again.
     * </pre>
     */
    public java.util.Iterator<com.csat.v1.StreamRatingsResponse> streamRatings(
        com.csat.v1.StreamRatingsRequest request) {
      return io.grpc.stub.ClientCalls.blockingServerStreamingCall(
          getChannel(), getStreamRatingsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Takes a rating out of every number without deleting it: test answers, spam, a duplicate
     * answer, an employee's. The rating stays stored and readable, with `exclusion` set, and from
     * the moment this call answers OK it counts in no report, benchmark report, customer health or
     * follow-up figure, on every replica. Its follow-up, if it opened one, is kept and can still be
     * worked, but leaves the loop's figures and its customer's open follow-ups. Idempotent:
     * excluding an excluded rating again is OK and changes nothing, whatever its reason and note
     * (the first exclusion's fields, principal and time stay; restore it first to exclude it for
     * another reason). Scope `ratings:exclude`; audit-logged with the caller's principal.
     * NOT_FOUND (RATING_NOT_FOUND, SURVEY_NOT_FOUND) for an unknown rating or survey.
     * </pre>
     */
    public com.csat.v1.ExcludeRatingResponse excludeRating(com.csat.v1.ExcludeRatingRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getExcludeRatingMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Counts an excluded rating again, everywhere ExcludeRating took it out of, and clears its
     * `exclusion`. Restoring a rating that is not excluded is OK and changes nothing. Scope
     * `ratings:exclude`; audit-logged with the caller's principal.
     * </pre>
     */
    public com.csat.v1.RestoreRatingResponse restoreRating(com.csat.v1.RestoreRatingRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getRestoreRatingMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service RatingService.
   * <pre>
   * RatingService stores customers' answers to surveys and reads them back, once or as a live stream.
   * Rules that hold for every write:
   * - Idempotency: (survey_id, rating_id) is unique. Sending the same rating again returns the stored
   *   one and counts nothing twice; the same key with other content is ALREADY_EXISTS.
   * - Durability: OK means committed; the rating survives a crash of the server the next instant.
   * - Order: `sequence` is assigned in commit order and never reused, so a reader that resumes with
   *   start_after = the last sequence it saw misses nothing and sees nothing twice.
   * - Validation: INVALID_ARGUMENT (ErrorInfo reason INVALID_FIELD, with a google.rpc.BadRequest
   *   naming every bad field with its reason as SurveyService lists them, up to 20, the message
   *   counting the others) for a score outside the survey's scale, a comment over 4,000
   *   characters, over 32 attributes, attribute keys not `[a-z0-9_.-]{1,63}`, attribute values over
   *   256 characters, a NUL character in any text, occur_time more than 5 minutes in the future, ids
   *   not `[A-Za-z0-9_.:-]{1,128}`; NOT_FOUND for an unknown survey; FAILED_PRECONDITION for an
   *   archived one. A rejected request changes nothing.
   * - Storage: RESOURCE_EXHAUSTED (ErrorInfo reason DISK_FULL) while the database's disk is full,
   *   nothing stored; UNAVAILABLE while the database is out of reach: retry with the same
   *   rating_id, which is answered as a duplicate if the first attempt was stored after all.
   * </pre>
   */
  public static final class RatingServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<RatingServiceFutureStub> {
    private RatingServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected RatingServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new RatingServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * Stores one rating durably before it answers.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.csat.v1.SubmitRatingResponse> submitRating(
        com.csat.v1.SubmitRatingRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getSubmitRatingMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Stores up to 1,000 ratings in one commit, all or nothing: if one is refused, none is stored.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.csat.v1.BatchSubmitRatingsResponse> batchSubmitRatings(
        com.csat.v1.BatchSubmitRatingsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getBatchSubmitRatingsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Returns one rating; NOT_FOUND when it does not exist.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.csat.v1.GetRatingResponse> getRating(
        com.csat.v1.GetRatingRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetRatingMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists ratings that match a filter, newest (highest sequence) first, paged per AIP-158.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.csat.v1.ListRatingsResponse> listRatings(
        com.csat.v1.ListRatingsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListRatingsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Takes a rating out of every number without deleting it: test answers, spam, a duplicate
     * answer, an employee's. The rating stays stored and readable, with `exclusion` set, and from
     * the moment this call answers OK it counts in no report, benchmark report, customer health or
     * follow-up figure, on every replica. Its follow-up, if it opened one, is kept and can still be
     * worked, but leaves the loop's figures and its customer's open follow-ups. Idempotent:
     * excluding an excluded rating again is OK and changes nothing, whatever its reason and note
     * (the first exclusion's fields, principal and time stay; restore it first to exclude it for
     * another reason). Scope `ratings:exclude`; audit-logged with the caller's principal.
     * NOT_FOUND (RATING_NOT_FOUND, SURVEY_NOT_FOUND) for an unknown rating or survey.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.csat.v1.ExcludeRatingResponse> excludeRating(
        com.csat.v1.ExcludeRatingRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getExcludeRatingMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Counts an excluded rating again, everywhere ExcludeRating took it out of, and clears its
     * `exclusion`. Restoring a rating that is not excluded is OK and changes nothing. Scope
     * `ratings:exclude`; audit-logged with the caller's principal.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.csat.v1.RestoreRatingResponse> restoreRating(
        com.csat.v1.RestoreRatingRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getRestoreRatingMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_SUBMIT_RATING = 0;
  private static final int METHODID_BATCH_SUBMIT_RATINGS = 1;
  private static final int METHODID_GET_RATING = 2;
  private static final int METHODID_LIST_RATINGS = 3;
  private static final int METHODID_STREAM_RATINGS = 4;
  private static final int METHODID_EXCLUDE_RATING = 5;
  private static final int METHODID_RESTORE_RATING = 6;
  private static final int METHODID_IMPORT_RATINGS = 7;

  private static final class MethodHandlers<Req, Resp> implements
      io.grpc.stub.ServerCalls.UnaryMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ServerStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ClientStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.BidiStreamingMethod<Req, Resp> {
    private final AsyncService serviceImpl;
    private final int methodId;

    MethodHandlers(AsyncService serviceImpl, int methodId) {
      this.serviceImpl = serviceImpl;
      this.methodId = methodId;
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public void invoke(Req request, io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        case METHODID_SUBMIT_RATING:
          serviceImpl.submitRating((com.csat.v1.SubmitRatingRequest) request,
              (io.grpc.stub.StreamObserver<com.csat.v1.SubmitRatingResponse>) responseObserver);
          break;
        case METHODID_BATCH_SUBMIT_RATINGS:
          serviceImpl.batchSubmitRatings((com.csat.v1.BatchSubmitRatingsRequest) request,
              (io.grpc.stub.StreamObserver<com.csat.v1.BatchSubmitRatingsResponse>) responseObserver);
          break;
        case METHODID_GET_RATING:
          serviceImpl.getRating((com.csat.v1.GetRatingRequest) request,
              (io.grpc.stub.StreamObserver<com.csat.v1.GetRatingResponse>) responseObserver);
          break;
        case METHODID_LIST_RATINGS:
          serviceImpl.listRatings((com.csat.v1.ListRatingsRequest) request,
              (io.grpc.stub.StreamObserver<com.csat.v1.ListRatingsResponse>) responseObserver);
          break;
        case METHODID_STREAM_RATINGS:
          serviceImpl.streamRatings((com.csat.v1.StreamRatingsRequest) request,
              (io.grpc.stub.StreamObserver<com.csat.v1.StreamRatingsResponse>) responseObserver);
          break;
        case METHODID_EXCLUDE_RATING:
          serviceImpl.excludeRating((com.csat.v1.ExcludeRatingRequest) request,
              (io.grpc.stub.StreamObserver<com.csat.v1.ExcludeRatingResponse>) responseObserver);
          break;
        case METHODID_RESTORE_RATING:
          serviceImpl.restoreRating((com.csat.v1.RestoreRatingRequest) request,
              (io.grpc.stub.StreamObserver<com.csat.v1.RestoreRatingResponse>) responseObserver);
          break;
        default:
          throw new AssertionError();
      }
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public io.grpc.stub.StreamObserver<Req> invoke(
        io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        case METHODID_IMPORT_RATINGS:
          return (io.grpc.stub.StreamObserver<Req>) serviceImpl.importRatings(
              (io.grpc.stub.StreamObserver<com.csat.v1.ImportRatingsResponse>) responseObserver);
        default:
          throw new AssertionError();
      }
    }
  }

  public static final io.grpc.ServerServiceDefinition bindService(AsyncService service) {
    return io.grpc.ServerServiceDefinition.builder(getServiceDescriptor())
        .addMethod(
          getSubmitRatingMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              com.csat.v1.SubmitRatingRequest,
              com.csat.v1.SubmitRatingResponse>(
                service, METHODID_SUBMIT_RATING)))
        .addMethod(
          getBatchSubmitRatingsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              com.csat.v1.BatchSubmitRatingsRequest,
              com.csat.v1.BatchSubmitRatingsResponse>(
                service, METHODID_BATCH_SUBMIT_RATINGS)))
        .addMethod(
          getImportRatingsMethod(),
          io.grpc.stub.ServerCalls.asyncClientStreamingCall(
            new MethodHandlers<
              com.csat.v1.ImportRatingsRequest,
              com.csat.v1.ImportRatingsResponse>(
                service, METHODID_IMPORT_RATINGS)))
        .addMethod(
          getGetRatingMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              com.csat.v1.GetRatingRequest,
              com.csat.v1.GetRatingResponse>(
                service, METHODID_GET_RATING)))
        .addMethod(
          getListRatingsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              com.csat.v1.ListRatingsRequest,
              com.csat.v1.ListRatingsResponse>(
                service, METHODID_LIST_RATINGS)))
        .addMethod(
          getStreamRatingsMethod(),
          io.grpc.stub.ServerCalls.asyncServerStreamingCall(
            new MethodHandlers<
              com.csat.v1.StreamRatingsRequest,
              com.csat.v1.StreamRatingsResponse>(
                service, METHODID_STREAM_RATINGS)))
        .addMethod(
          getExcludeRatingMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              com.csat.v1.ExcludeRatingRequest,
              com.csat.v1.ExcludeRatingResponse>(
                service, METHODID_EXCLUDE_RATING)))
        .addMethod(
          getRestoreRatingMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              com.csat.v1.RestoreRatingRequest,
              com.csat.v1.RestoreRatingResponse>(
                service, METHODID_RESTORE_RATING)))
        .build();
  }

  private static abstract class RatingServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    RatingServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return com.csat.v1.RatingProto.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("RatingService");
    }
  }

  private static final class RatingServiceFileDescriptorSupplier
      extends RatingServiceBaseDescriptorSupplier {
    RatingServiceFileDescriptorSupplier() {}
  }

  private static final class RatingServiceMethodDescriptorSupplier
      extends RatingServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    RatingServiceMethodDescriptorSupplier(java.lang.String methodName) {
      this.methodName = methodName;
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.MethodDescriptor getMethodDescriptor() {
      return getServiceDescriptor().findMethodByName(methodName);
    }
  }

  private static volatile io.grpc.ServiceDescriptor serviceDescriptor;

  public static io.grpc.ServiceDescriptor getServiceDescriptor() {
    io.grpc.ServiceDescriptor result = serviceDescriptor;
    if (result == null) {
      synchronized (RatingServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new RatingServiceFileDescriptorSupplier())
              .addMethod(getSubmitRatingMethod())
              .addMethod(getBatchSubmitRatingsMethod())
              .addMethod(getImportRatingsMethod())
              .addMethod(getGetRatingMethod())
              .addMethod(getListRatingsMethod())
              .addMethod(getStreamRatingsMethod())
              .addMethod(getExcludeRatingMethod())
              .addMethod(getRestoreRatingMethod())
              .build();
        }
      }
    }
    return result;
  }
}
