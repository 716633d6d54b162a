package com.csat.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * FollowUpService is how a team closes the loop on unhappy customers. A survey's follow_up rule
 * (Survey.follow_up) makes every rating at or below its max_score open one FollowUp, in the same
 * commit as the rating: a retried (duplicate) rating opens nothing more. Nothing is created by
 * hand; a follow-up is worked on (assigned, noted, resolved or dismissed) here.
 * Errors as SurveyService describes them. A follow-up that does not exist is NOT_FOUND (ErrorInfo
 * reason FOLLOW_UP_NOT_FOUND). UpdateFollowUp with an etag other than the stored one is ABORTED
 * (reason FOLLOW_UP_ETAG_MISMATCH): read the follow-up again and retry. A change the follow-up's
 * state does not allow is FAILED_PRECONDITION (reason FOLLOW_UP_CLOSED).
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class FollowUpServiceGrpc {

  private FollowUpServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "csat.v1.FollowUpService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<com.csat.v1.GetFollowUpRequest,
      com.csat.v1.GetFollowUpResponse> getGetFollowUpMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetFollowUp",
      requestType = com.csat.v1.GetFollowUpRequest.class,
      responseType = com.csat.v1.GetFollowUpResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<com.csat.v1.GetFollowUpRequest,
      com.csat.v1.GetFollowUpResponse> getGetFollowUpMethod() {
    io.grpc.MethodDescriptor<com.csat.v1.GetFollowUpRequest, com.csat.v1.GetFollowUpResponse> getGetFollowUpMethod;
    if ((getGetFollowUpMethod = FollowUpServiceGrpc.getGetFollowUpMethod) == null) {
      synchronized (FollowUpServiceGrpc.class) {
        if ((getGetFollowUpMethod = FollowUpServiceGrpc.getGetFollowUpMethod) == null) {
          FollowUpServiceGrpc.getGetFollowUpMethod = getGetFollowUpMethod =
              io.grpc.MethodDescriptor.<com.csat.v1.GetFollowUpRequest, com.csat.v1.GetFollowUpResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetFollowUp"))
              .setSafe(true)
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.GetFollowUpRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.GetFollowUpResponse.getDefaultInstance()))
              .setSchemaDescriptor(new FollowUpServiceMethodDescriptorSupplier("GetFollowUp"))
              .build();
        }
      }
    }
    return getGetFollowUpMethod;
  }

  private static volatile io.grpc.MethodDescriptor<com.csat.v1.ListFollowUpsRequest,
      com.csat.v1.ListFollowUpsResponse> getListFollowUpsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListFollowUps",
      requestType = com.csat.v1.ListFollowUpsRequest.class,
      responseType = com.csat.v1.ListFollowUpsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<com.csat.v1.ListFollowUpsRequest,
      com.csat.v1.ListFollowUpsResponse> getListFollowUpsMethod() {
    io.grpc.MethodDescriptor<com.csat.v1.ListFollowUpsRequest, com.csat.v1.ListFollowUpsResponse> getListFollowUpsMethod;
    if ((getListFollowUpsMethod = FollowUpServiceGrpc.getListFollowUpsMethod) == null) {
      synchronized (FollowUpServiceGrpc.class) {
        if ((getListFollowUpsMethod = FollowUpServiceGrpc.getListFollowUpsMethod) == null) {
          FollowUpServiceGrpc.getListFollowUpsMethod = getListFollowUpsMethod =
              io.grpc.MethodDescriptor.<com.csat.v1.ListFollowUpsRequest, com.csat.v1.ListFollowUpsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListFollowUps"))
              .setSafe(true)
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.ListFollowUpsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.ListFollowUpsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new FollowUpServiceMethodDescriptorSupplier("ListFollowUps"))
              .build();
        }
      }
    }
    return getListFollowUpsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<com.csat.v1.UpdateFollowUpRequest,
      com.csat.v1.UpdateFollowUpResponse> getUpdateFollowUpMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "UpdateFollowUp",
      requestType = com.csat.v1.UpdateFollowUpRequest.class,
      responseType = com.csat.v1.UpdateFollowUpResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<com.csat.v1.UpdateFollowUpRequest,
      com.csat.v1.UpdateFollowUpResponse> getUpdateFollowUpMethod() {
    io.grpc.MethodDescriptor<com.csat.v1.UpdateFollowUpRequest, com.csat.v1.UpdateFollowUpResponse> getUpdateFollowUpMethod;
    if ((getUpdateFollowUpMethod = FollowUpServiceGrpc.getUpdateFollowUpMethod) == null) {
      synchronized (FollowUpServiceGrpc.class) {
        if ((getUpdateFollowUpMethod = FollowUpServiceGrpc.getUpdateFollowUpMethod) == null) {
          FollowUpServiceGrpc.getUpdateFollowUpMethod = getUpdateFollowUpMethod =
              io.grpc.MethodDescriptor.<com.csat.v1.UpdateFollowUpRequest, com.csat.v1.UpdateFollowUpResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "UpdateFollowUp"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.UpdateFollowUpRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.UpdateFollowUpResponse.getDefaultInstance()))
              .setSchemaDescriptor(new FollowUpServiceMethodDescriptorSupplier("UpdateFollowUp"))
              .build();
        }
      }
    }
    return getUpdateFollowUpMethod;
  }

  private static volatile io.grpc.MethodDescriptor<com.csat.v1.AddFollowUpNoteRequest,
      com.csat.v1.AddFollowUpNoteResponse> getAddFollowUpNoteMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "AddFollowUpNote",
      requestType = com.csat.v1.AddFollowUpNoteRequest.class,
      responseType = com.csat.v1.AddFollowUpNoteResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<com.csat.v1.AddFollowUpNoteRequest,
      com.csat.v1.AddFollowUpNoteResponse> getAddFollowUpNoteMethod() {
    io.grpc.MethodDescriptor<com.csat.v1.AddFollowUpNoteRequest, com.csat.v1.AddFollowUpNoteResponse> getAddFollowUpNoteMethod;
    if ((getAddFollowUpNoteMethod = FollowUpServiceGrpc.getAddFollowUpNoteMethod) == null) {
      synchronized (FollowUpServiceGrpc.class) {
        if ((getAddFollowUpNoteMethod = FollowUpServiceGrpc.getAddFollowUpNoteMethod) == null) {
          FollowUpServiceGrpc.getAddFollowUpNoteMethod = getAddFollowUpNoteMethod =
              io.grpc.MethodDescriptor.<com.csat.v1.AddFollowUpNoteRequest, com.csat.v1.AddFollowUpNoteResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "AddFollowUpNote"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.AddFollowUpNoteRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.AddFollowUpNoteResponse.getDefaultInstance()))
              .setSchemaDescriptor(new FollowUpServiceMethodDescriptorSupplier("AddFollowUpNote"))
              .build();
        }
      }
    }
    return getAddFollowUpNoteMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static FollowUpServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<FollowUpServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<FollowUpServiceStub>() {
        @java.lang.Override
        public FollowUpServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new FollowUpServiceStub(channel, callOptions);
        }
      };
    return FollowUpServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static FollowUpServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<FollowUpServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<FollowUpServiceBlockingV2Stub>() {
        @java.lang.Override
        public FollowUpServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new FollowUpServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return FollowUpServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static FollowUpServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<FollowUpServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<FollowUpServiceBlockingStub>() {
        @java.lang.Override
        public FollowUpServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new FollowUpServiceBlockingStub(channel, callOptions);
        }
      };
    return FollowUpServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static FollowUpServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<FollowUpServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<FollowUpServiceFutureStub>() {
        @java.lang.Override
        public FollowUpServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new FollowUpServiceFutureStub(channel, callOptions);
        }
      };
    return FollowUpServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * FollowUpService is how a team closes the loop on unhappy customers. A survey's follow_up rule
   * (Survey.follow_up) makes every rating at or below its max_score open one FollowUp, in the same
   * commit as the rating: a retried (duplicate) rating opens nothing more. Nothing is created by
   * hand; a follow-up is worked on (assigned, noted, resolved or dismissed) here.
   * Errors as SurveyService describes them. A follow-up that does not exist is NOT_FOUND (ErrorInfo
   * reason FOLLOW_UP_NOT_FOUND). UpdateFollowUp with an etag other than the stored one is ABORTED
   * (reason FOLLOW_UP_ETAG_MISMATCH): read the follow-up again and retry. A change the follow-up's
   * state does not allow is FAILED_PRECONDITION (reason FOLLOW_UP_CLOSED).
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * Returns one follow-up with its notes.
     * </pre>
     */
    default void getFollowUp(com.csat.v1.GetFollowUpRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.GetFollowUpResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetFollowUpMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists follow-ups that match a filter, the oldest due_time first (ties by follow_up_id),
     * paged per AIP-158.
     * </pre>
     */
    default void listFollowUps(com.csat.v1.ListFollowUpsRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.ListFollowUpsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListFollowUpsMethod(), responseObserver);
    }

    /**
     * <pre>
     * Changes the fields named in update_mask: assignee, state, resolution_code. State changes:
     * any open state (OPEN, IN_PROGRESS) may go to any state; a closed follow-up (RESOLVED,
     * DISMISSED) only back to OPEN (FAILED_PRECONDITION otherwise), which clears its close_time.
     * A follow-up left RESOLVED needs a resolution_code (INVALID_ARGUMENT naming
     * follow_up.resolution_code). Audit-logged with the caller's principal.
     * </pre>
     */
    default void updateFollowUp(com.csat.v1.UpdateFollowUpRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.UpdateFollowUpResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getUpdateFollowUpMethod(), responseObserver);
    }

    /**
     * <pre>
     * Appends a note, with the caller's principal and the time, to a follow-up in any state.
     * Notes are never changed or removed; a follow-up holds at most 100 (FAILED_PRECONDITION,
     * reason FOLLOW_UP_NOTES_FULL, past them). Audit-logged with the caller's principal.
     * </pre>
     */
    default void addFollowUpNote(com.csat.v1.AddFollowUpNoteRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.AddFollowUpNoteResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getAddFollowUpNoteMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service FollowUpService.
   * <pre>
   * FollowUpService is how a team closes the loop on unhappy customers. A survey's follow_up rule
   * (Survey.follow_up) makes every rating at or below its max_score open one FollowUp, in the same
   * commit as the rating: a retried (duplicate) rating opens nothing more. Nothing is created by
   * hand; a follow-up is worked on (assigned, noted, resolved or dismissed) here.
   * Errors as SurveyService describes them. A follow-up that does not exist is NOT_FOUND (ErrorInfo
   * reason FOLLOW_UP_NOT_FOUND). UpdateFollowUp with an etag other than the stored one is ABORTED
   * (reason FOLLOW_UP_ETAG_MISMATCH): read the follow-up again and retry. A change the follow-up's
   * state does not allow is FAILED_PRECONDITION (reason FOLLOW_UP_CLOSED).
   * </pre>
   */
  public static abstract class FollowUpServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return FollowUpServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service FollowUpService.
   * <pre>
   * FollowUpService is how a team closes the loop on unhappy customers. A survey's follow_up rule
   * (Survey.follow_up) makes every rating at or below its max_score open one FollowUp, in the same
   * commit as the rating: a retried (duplicate) rating opens nothing more. Nothing is created by
   * hand; a follow-up is worked on (assigned, noted, resolved or dismissed) here.
   * Errors as SurveyService describes them. A follow-up that does not exist is NOT_FOUND (ErrorInfo
   * reason FOLLOW_UP_NOT_FOUND). UpdateFollowUp with an etag other than the stored one is ABORTED
   * (reason FOLLOW_UP_ETAG_MISMATCH): read the follow-up again and retry. A change the follow-up's
   * state does not allow is FAILED_PRECONDITION (reason FOLLOW_UP_CLOSED).
   * </pre>
   */
  public static final class FollowUpServiceStub
      extends io.grpc.stub.AbstractAsyncStub<FollowUpServiceStub> {
    private FollowUpServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected FollowUpServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new FollowUpServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * Returns one follow-up with its notes.
     * </pre>
     */
    public void getFollowUp(com.csat.v1.GetFollowUpRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.GetFollowUpResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetFollowUpMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists follow-ups that match a filter, the oldest due_time first (ties by follow_up_id),
     * paged per AIP-158.
     * </pre>
     */
    public void listFollowUps(com.csat.v1.ListFollowUpsRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.ListFollowUpsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListFollowUpsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Changes the fields named in update_mask: assignee, state, resolution_code. State changes:
     * any open state (OPEN, IN_PROGRESS) may go to any state; a closed follow-up (RESOLVED,
     * DISMISSED) only back to OPEN (FAILED_PRECONDITION otherwise), which clears its close_time.
     * A follow-up left RESOLVED needs a resolution_code (INVALID_ARGUMENT naming
     * follow_up.resolution_code). Audit-logged with the caller's principal.
     * </pre>
     */
    public void updateFollowUp(com.csat.v1.UpdateFollowUpRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.UpdateFollowUpResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getUpdateFollowUpMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Appends a note, with the caller's principal and the time, to a follow-up in any state.
     * Notes are never changed or removed; a follow-up holds at most 100 (FAILED_PRECONDITION,
     * reason FOLLOW_UP_NOTES_FULL, past them). Audit-logged with the caller's principal.
     * </pre>
     */
    public void addFollowUpNote(com.csat.v1.AddFollowUpNoteRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.AddFollowUpNoteResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getAddFollowUpNoteMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service FollowUpService.
   * <pre>
   * FollowUpService is how a team closes the loop on unhappy customers. A survey's follow_up rule
   * (Survey.follow_up) makes every rating at or below its max_score open one FollowUp, in the same
   * commit as the rating: a retried (duplicate) rating opens nothing more. Nothing is created by
   * hand; a follow-up is worked on (assigned, noted, resolved or dismissed) here.
   * Errors as SurveyService describes them. A follow-up that does not exist is NOT_FOUND (ErrorInfo
   * reason FOLLOW_UP_NOT_FOUND). UpdateFollowUp with an etag other than the stored one is ABORTED
   * (reason FOLLOW_UP_ETAG_MISMATCH): read the follow-up again and retry. A change the follow-up's
   * state does not allow is FAILED_PRECONDITION (reason FOLLOW_UP_CLOSED).
   * </pre>
   */
  public static final class FollowUpServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<FollowUpServiceBlockingV2Stub> {
    private FollowUpServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected FollowUpServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new FollowUpServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * Returns one follow-up with its notes.
     * </pre>
     */
    public com.csat.v1.GetFollowUpResponse getFollowUp(com.csat.v1.GetFollowUpRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetFollowUpMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists follow-ups that match a filter, the oldest due_time first (ties by follow_up_id),
     * paged per AIP-158.
     * </pre>
     */
    public com.csat.v1.ListFollowUpsResponse listFollowUps(com.csat.v1.ListFollowUpsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListFollowUpsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Changes the fields named in update_mask: assignee, state, resolution_code. State changes:
     * any open state (OPEN, IN_PROGRESS) may go to any state; a closed follow-up (RESOLVED,
     * DISMISSED) only back to OPEN (FAILED_PRECONDITION otherwise), which clears its close_time.
     * A follow-up left RESOLVED needs a resolution_code (INVALID_ARGUMENT naming
     * follow_up.resolution_code). Audit-logged with the caller's principal.
     * </pre>
     */
    public com.csat.v1.UpdateFollowUpResponse updateFollowUp(com.csat.v1.UpdateFollowUpRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getUpdateFollowUpMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Appends a note, with the caller's principal and the time, to a follow-up in any state.
     * Notes are never changed or removed; a follow-up holds at most 100 (FAILED_PRECONDITION,
     * reason FOLLOW_UP_NOTES_FULL, past them). Audit-logged with the caller's principal.
     * </pre>
     */
    public com.csat.v1.AddFollowUpNoteResponse addFollowUpNote(com.csat.v1.AddFollowUpNoteRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getAddFollowUpNoteMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service FollowUpService.
   * <pre>
   * FollowUpService is how a team closes the loop on unhappy customers. A survey's follow_up rule
   * (Survey.follow_up) makes every rating at or below its max_score open one FollowUp, in the same
   * commit as the rating: a retried (duplicate) rating opens nothing more. Nothing is created by
   * hand; a follow-up is worked on (assigned, noted, resolved or dismissed) here.
   * Errors as SurveyService describes them. A follow-up that does not exist is NOT_FOUND (ErrorInfo
   * reason FOLLOW_UP_NOT_FOUND). UpdateFollowUp with an etag other than the stored one is ABORTED
   * (reason FOLLOW_UP_ETAG_MISMATCH): read the follow-up again and retry. A change the follow-up's
   * state does not allow is FAILED_PRECONDITION (reason FOLLOW_UP_CLOSED).
   * </pre>
   */
  public static final class FollowUpServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<FollowUpServiceBlockingStub> {
    private FollowUpServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected FollowUpServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new FollowUpServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * Returns one follow-up with its notes.
     * </pre>
     */
    public com.csat.v1.GetFollowUpResponse getFollowUp(com.csat.v1.GetFollowUpRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetFollowUpMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists follow-ups that match a filter, the oldest due_time first (ties by follow_up_id),
     * paged per AIP-158.
     * </pre>
     */
    public com.csat.v1.ListFollowUpsResponse listFollowUps(com.csat.v1.ListFollowUpsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListFollowUpsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Changes the fields named in update_mask: assignee, state, resolution_code. State changes:
     * any open state (OPEN, IN_PROGRESS) may go to any state; a closed follow-up (RESOLVED,
     * DISMISSED) only back to OPEN (FAILED_PRECONDITION otherwise), which clears its close_time.
     * A follow-up left RESOLVED needs a resolution_code (INVALID_ARGUMENT naming
     * follow_up.resolution_code). Audit-logged with the caller's principal.
     * </pre>
     */
    public com.csat.v1.UpdateFollowUpResponse updateFollowUp(com.csat.v1.UpdateFollowUpRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getUpdateFollowUpMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Appends a note, with the caller's principal and the time, to a follow-up in any state.
     * Notes are never changed or removed; a follow-up holds at most 100 (FAILED_PRECONDITION,
     * reason FOLLOW_UP_NOTES_FULL, past them). Audit-logged with the caller's principal.
     * </pre>
     */
    public com.csat.v1.AddFollowUpNoteResponse addFollowUpNote(com.csat.v1.AddFollowUpNoteRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getAddFollowUpNoteMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service FollowUpService.
   * <pre>
   * FollowUpService is how a team closes the loop on unhappy customers. A survey's follow_up rule
   * (Survey.follow_up) makes every rating at or below its max_score open one FollowUp, in the same
   * commit as the rating: a retried (duplicate) rating opens nothing more. Nothing is created by
   * hand; a follow-up is worked on (assigned, noted, resolved or dismissed) here.
   * Errors as SurveyService describes them. A follow-up that does not exist is NOT_FOUND (ErrorInfo
   * reason FOLLOW_UP_NOT_FOUND). UpdateFollowUp with an etag other than the stored one is ABORTED
   * (reason FOLLOW_UP_ETAG_MISMATCH): read the follow-up again and retry. A change the follow-up's
   * state does not allow is FAILED_PRECONDITION (reason FOLLOW_UP_CLOSED).
   * </pre>
   */
  public static final class FollowUpServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<FollowUpServiceFutureStub> {
    private FollowUpServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected FollowUpServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new FollowUpServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * Returns one follow-up with its notes.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.csat.v1.GetFollowUpResponse> getFollowUp(
        com.csat.v1.GetFollowUpRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetFollowUpMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists follow-ups that match a filter, the oldest due_time first (ties by follow_up_id),
     * paged per AIP-158.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.csat.v1.ListFollowUpsResponse> listFollowUps(
        com.csat.v1.ListFollowUpsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListFollowUpsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Changes the fields named in update_mask: assignee, state, resolution_code. State changes:
     * any open state (OPEN, IN_PROGRESS) may go to any state; a closed follow-up (RESOLVED,
     * DISMISSED) only back to OPEN (FAILED_PRECONDITION otherwise), which clears its close_time.
     * A follow-up left RESOLVED needs a resolution_code (INVALID_ARGUMENT naming
     * follow_up.resolution_code). Audit-logged with the caller's principal.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.csat.v1.UpdateFollowUpResponse> updateFollowUp(
        com.csat.v1.UpdateFollowUpRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getUpdateFollowUpMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Appends a note, with the caller's principal and the time, to a follow-up in any state.
     * Notes are never changed or removed; a follow-up holds at most 100 (FAILED_PRECONDITION,
     * reason FOLLOW_UP_NOTES_FULL, past them). Audit-logged with the caller's principal.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.csat.v1.AddFollowUpNoteResponse> addFollowUpNote(
        com.csat.v1.AddFollowUpNoteRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getAddFollowUpNoteMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_GET_FOLLOW_UP = 0;
  private static final int METHODID_LIST_FOLLOW_UPS = 1;
  private static final int METHODID_UPDATE_FOLLOW_UP = 2;
  private static final int METHODID_ADD_FOLLOW_UP_NOTE = 3;

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
        case METHODID_GET_FOLLOW_UP:
          serviceImpl.getFollowUp((com.csat.v1.GetFollowUpRequest) request,
              (io.grpc.stub.StreamObserver<com.csat.v1.GetFollowUpResponse>) responseObserver);
          break;
        case METHODID_LIST_FOLLOW_UPS:
          serviceImpl.listFollowUps((com.csat.v1.ListFollowUpsRequest) request,
              (io.grpc.stub.StreamObserver<com.csat.v1.ListFollowUpsResponse>) responseObserver);
          break;
        case METHODID_UPDATE_FOLLOW_UP:
          serviceImpl.updateFollowUp((com.csat.v1.UpdateFollowUpRequest) request,
              (io.grpc.stub.StreamObserver<com.csat.v1.UpdateFollowUpResponse>) responseObserver);
          break;
        case METHODID_ADD_FOLLOW_UP_NOTE:
          serviceImpl.addFollowUpNote((com.csat.v1.AddFollowUpNoteRequest) request,
              (io.grpc.stub.StreamObserver<com.csat.v1.AddFollowUpNoteResponse>) responseObserver);
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
        default:
          throw new AssertionError();
      }
    }
  }

  public static final io.grpc.ServerServiceDefinition bindService(AsyncService service) {
    return io.grpc.ServerServiceDefinition.builder(getServiceDescriptor())
        .addMethod(
          getGetFollowUpMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              com.csat.v1.GetFollowUpRequest,
              com.csat.v1.GetFollowUpResponse>(
                service, METHODID_GET_FOLLOW_UP)))
        .addMethod(
          getListFollowUpsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              com.csat.v1.ListFollowUpsRequest,
              com.csat.v1.ListFollowUpsResponse>(
                service, METHODID_LIST_FOLLOW_UPS)))
        .addMethod(
          getUpdateFollowUpMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              com.csat.v1.UpdateFollowUpRequest,
              com.csat.v1.UpdateFollowUpResponse>(
                service, METHODID_UPDATE_FOLLOW_UP)))
        .addMethod(
          getAddFollowUpNoteMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              com.csat.v1.AddFollowUpNoteRequest,
              com.csat.v1.AddFollowUpNoteResponse>(
                service, METHODID_ADD_FOLLOW_UP_NOTE)))
        .build();
  }

  private static abstract class FollowUpServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    FollowUpServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return com.csat.v1.FollowUpProto.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("FollowUpService");
    }
  }

  private static final class FollowUpServiceFileDescriptorSupplier
      extends FollowUpServiceBaseDescriptorSupplier {
    FollowUpServiceFileDescriptorSupplier() {}
  }

  private static final class FollowUpServiceMethodDescriptorSupplier
      extends FollowUpServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    FollowUpServiceMethodDescriptorSupplier(java.lang.String methodName) {
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
      synchronized (FollowUpServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new FollowUpServiceFileDescriptorSupplier())
              .addMethod(getGetFollowUpMethod())
              .addMethod(getListFollowUpsMethod())
              .addMethod(getUpdateFollowUpMethod())
              .addMethod(getAddFollowUpNoteMethod())
              .build();
        }
      }
    }
    return result;
  }
}
