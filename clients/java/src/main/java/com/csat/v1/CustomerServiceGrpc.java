package com.csat.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * CustomerService answers how each customer is doing: a health score from their recent ratings,
 * the factors behind it and the signals that they may leave. A customer is a customer_id seen on
 * ratings; nothing is created by hand, and ratings without a customer_id make none.
 * The writer keeps a summary per customer in the same transaction as the ratings, so that a list
 * ordered by health costs what it returns. The health window's edge moving with time is applied
 * when read: every number is exact as of the call.
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class CustomerServiceGrpc {

  private CustomerServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "csat.v1.CustomerService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<com.csat.v1.GetCustomerRequest,
      com.csat.v1.GetCustomerResponse> getGetCustomerMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetCustomer",
      requestType = com.csat.v1.GetCustomerRequest.class,
      responseType = com.csat.v1.GetCustomerResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<com.csat.v1.GetCustomerRequest,
      com.csat.v1.GetCustomerResponse> getGetCustomerMethod() {
    io.grpc.MethodDescriptor<com.csat.v1.GetCustomerRequest, com.csat.v1.GetCustomerResponse> getGetCustomerMethod;
    if ((getGetCustomerMethod = CustomerServiceGrpc.getGetCustomerMethod) == null) {
      synchronized (CustomerServiceGrpc.class) {
        if ((getGetCustomerMethod = CustomerServiceGrpc.getGetCustomerMethod) == null) {
          CustomerServiceGrpc.getGetCustomerMethod = getGetCustomerMethod =
              io.grpc.MethodDescriptor.<com.csat.v1.GetCustomerRequest, com.csat.v1.GetCustomerResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetCustomer"))
              .setSafe(true)
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.GetCustomerRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.GetCustomerResponse.getDefaultInstance()))
              .setSchemaDescriptor(new CustomerServiceMethodDescriptorSupplier("GetCustomer"))
              .build();
        }
      }
    }
    return getGetCustomerMethod;
  }

  private static volatile io.grpc.MethodDescriptor<com.csat.v1.ListCustomersRequest,
      com.csat.v1.ListCustomersResponse> getListCustomersMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListCustomers",
      requestType = com.csat.v1.ListCustomersRequest.class,
      responseType = com.csat.v1.ListCustomersResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<com.csat.v1.ListCustomersRequest,
      com.csat.v1.ListCustomersResponse> getListCustomersMethod() {
    io.grpc.MethodDescriptor<com.csat.v1.ListCustomersRequest, com.csat.v1.ListCustomersResponse> getListCustomersMethod;
    if ((getListCustomersMethod = CustomerServiceGrpc.getListCustomersMethod) == null) {
      synchronized (CustomerServiceGrpc.class) {
        if ((getListCustomersMethod = CustomerServiceGrpc.getListCustomersMethod) == null) {
          CustomerServiceGrpc.getListCustomersMethod = getListCustomersMethod =
              io.grpc.MethodDescriptor.<com.csat.v1.ListCustomersRequest, com.csat.v1.ListCustomersResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListCustomers"))
              .setSafe(true)
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.ListCustomersRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.ListCustomersResponse.getDefaultInstance()))
              .setSchemaDescriptor(new CustomerServiceMethodDescriptorSupplier("ListCustomers"))
              .build();
        }
      }
    }
    return getListCustomersMethod;
  }

  private static volatile io.grpc.MethodDescriptor<com.csat.v1.GetHealthPolicyRequest,
      com.csat.v1.GetHealthPolicyResponse> getGetHealthPolicyMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetHealthPolicy",
      requestType = com.csat.v1.GetHealthPolicyRequest.class,
      responseType = com.csat.v1.GetHealthPolicyResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<com.csat.v1.GetHealthPolicyRequest,
      com.csat.v1.GetHealthPolicyResponse> getGetHealthPolicyMethod() {
    io.grpc.MethodDescriptor<com.csat.v1.GetHealthPolicyRequest, com.csat.v1.GetHealthPolicyResponse> getGetHealthPolicyMethod;
    if ((getGetHealthPolicyMethod = CustomerServiceGrpc.getGetHealthPolicyMethod) == null) {
      synchronized (CustomerServiceGrpc.class) {
        if ((getGetHealthPolicyMethod = CustomerServiceGrpc.getGetHealthPolicyMethod) == null) {
          CustomerServiceGrpc.getGetHealthPolicyMethod = getGetHealthPolicyMethod =
              io.grpc.MethodDescriptor.<com.csat.v1.GetHealthPolicyRequest, com.csat.v1.GetHealthPolicyResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetHealthPolicy"))
              .setSafe(true)
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.GetHealthPolicyRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.GetHealthPolicyResponse.getDefaultInstance()))
              .setSchemaDescriptor(new CustomerServiceMethodDescriptorSupplier("GetHealthPolicy"))
              .build();
        }
      }
    }
    return getGetHealthPolicyMethod;
  }

  private static volatile io.grpc.MethodDescriptor<com.csat.v1.UpdateHealthPolicyRequest,
      com.csat.v1.UpdateHealthPolicyResponse> getUpdateHealthPolicyMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "UpdateHealthPolicy",
      requestType = com.csat.v1.UpdateHealthPolicyRequest.class,
      responseType = com.csat.v1.UpdateHealthPolicyResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<com.csat.v1.UpdateHealthPolicyRequest,
      com.csat.v1.UpdateHealthPolicyResponse> getUpdateHealthPolicyMethod() {
    io.grpc.MethodDescriptor<com.csat.v1.UpdateHealthPolicyRequest, com.csat.v1.UpdateHealthPolicyResponse> getUpdateHealthPolicyMethod;
    if ((getUpdateHealthPolicyMethod = CustomerServiceGrpc.getUpdateHealthPolicyMethod) == null) {
      synchronized (CustomerServiceGrpc.class) {
        if ((getUpdateHealthPolicyMethod = CustomerServiceGrpc.getUpdateHealthPolicyMethod) == null) {
          CustomerServiceGrpc.getUpdateHealthPolicyMethod = getUpdateHealthPolicyMethod =
              io.grpc.MethodDescriptor.<com.csat.v1.UpdateHealthPolicyRequest, com.csat.v1.UpdateHealthPolicyResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "UpdateHealthPolicy"))
              .setIdempotent(true)
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.UpdateHealthPolicyRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.UpdateHealthPolicyResponse.getDefaultInstance()))
              .setSchemaDescriptor(new CustomerServiceMethodDescriptorSupplier("UpdateHealthPolicy"))
              .build();
        }
      }
    }
    return getUpdateHealthPolicyMethod;
  }

  private static volatile io.grpc.MethodDescriptor<com.csat.v1.EraseCustomerRequest,
      com.csat.v1.EraseCustomerResponse> getEraseCustomerMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "EraseCustomer",
      requestType = com.csat.v1.EraseCustomerRequest.class,
      responseType = com.csat.v1.EraseCustomerResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<com.csat.v1.EraseCustomerRequest,
      com.csat.v1.EraseCustomerResponse> getEraseCustomerMethod() {
    io.grpc.MethodDescriptor<com.csat.v1.EraseCustomerRequest, com.csat.v1.EraseCustomerResponse> getEraseCustomerMethod;
    if ((getEraseCustomerMethod = CustomerServiceGrpc.getEraseCustomerMethod) == null) {
      synchronized (CustomerServiceGrpc.class) {
        if ((getEraseCustomerMethod = CustomerServiceGrpc.getEraseCustomerMethod) == null) {
          CustomerServiceGrpc.getEraseCustomerMethod = getEraseCustomerMethod =
              io.grpc.MethodDescriptor.<com.csat.v1.EraseCustomerRequest, com.csat.v1.EraseCustomerResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "EraseCustomer"))
              .setIdempotent(true)
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.EraseCustomerRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.EraseCustomerResponse.getDefaultInstance()))
              .setSchemaDescriptor(new CustomerServiceMethodDescriptorSupplier("EraseCustomer"))
              .build();
        }
      }
    }
    return getEraseCustomerMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static CustomerServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<CustomerServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<CustomerServiceStub>() {
        @java.lang.Override
        public CustomerServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new CustomerServiceStub(channel, callOptions);
        }
      };
    return CustomerServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static CustomerServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<CustomerServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<CustomerServiceBlockingV2Stub>() {
        @java.lang.Override
        public CustomerServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new CustomerServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return CustomerServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static CustomerServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<CustomerServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<CustomerServiceBlockingStub>() {
        @java.lang.Override
        public CustomerServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new CustomerServiceBlockingStub(channel, callOptions);
        }
      };
    return CustomerServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static CustomerServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<CustomerServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<CustomerServiceFutureStub>() {
        @java.lang.Override
        public CustomerServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new CustomerServiceFutureStub(channel, callOptions);
        }
      };
    return CustomerServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * CustomerService answers how each customer is doing: a health score from their recent ratings,
   * the factors behind it and the signals that they may leave. A customer is a customer_id seen on
   * ratings; nothing is created by hand, and ratings without a customer_id make none.
   * The writer keeps a summary per customer in the same transaction as the ratings, so that a list
   * ordered by health costs what it returns. The health window's edge moving with time is applied
   * when read: every number is exact as of the call.
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * Returns one customer; NOT_FOUND (CUSTOMER_NOT_FOUND) when no rating names it.
     * </pre>
     */
    default void getCustomer(com.csat.v1.GetCustomerRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.GetCustomerResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetCustomerMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists customers, filtered and ordered, paged per AIP-158.
     * </pre>
     */
    default void listCustomers(com.csat.v1.ListCustomersRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.ListCustomersResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListCustomersMethod(), responseObserver);
    }

    /**
     * <pre>
     * Returns the health policy: window, weights and band thresholds.
     * </pre>
     */
    default void getHealthPolicy(com.csat.v1.GetHealthPolicyRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.GetHealthPolicyResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetHealthPolicyMethod(), responseObserver);
    }

    /**
     * <pre>
     * Changes the fields of the health policy named in update_mask; needs the admin scope. A change
     * of weights or thresholds recomputes every customer's health from the stored factors; a change
     * of window recomputes every customer's summary from their ratings, in one transaction that
     * holds ingestion back meanwhile: slow on big stores (minutes for millions of ratings).
     * </pre>
     */
    default void updateHealthPolicy(com.csat.v1.UpdateHealthPolicyRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.UpdateHealthPolicyResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getUpdateHealthPolicyMethod(), responseObserver);
    }

    /**
     * <pre>
     * Erases what identifies a customer, for a right-to-erasure request. Every rating of the
     * customer loses its comment, customer_id and attributes, and is marked `erased`; its score,
     * survey, channel, reason codes, times and sequence stay, so that aggregate reports do not move
     * (but for reports grouped by an attribute: the erased values fall under the empty value).
     * Every follow-up of the customer loses its comment, notes and customer_id, every invitation its
     * customer_id (so it holds no later invitation back), and the customer's
     * summary is removed (GetCustomer then answers NOT_FOUND). One transaction, committed before
     * OK, on every replica's storage; a replay or a read after it returns the erased form.
     * Idempotent: a second call is OK and counts 0, as nothing of the customer is left; ratings
     * submitted later under the same customer_id are new ratings, kept until erased in turn.
     * Audit logged with the caller's principal. Scope `customers:erase`.
     * </pre>
     */
    default void eraseCustomer(com.csat.v1.EraseCustomerRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.EraseCustomerResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getEraseCustomerMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service CustomerService.
   * <pre>
   * CustomerService answers how each customer is doing: a health score from their recent ratings,
   * the factors behind it and the signals that they may leave. A customer is a customer_id seen on
   * ratings; nothing is created by hand, and ratings without a customer_id make none.
   * The writer keeps a summary per customer in the same transaction as the ratings, so that a list
   * ordered by health costs what it returns. The health window's edge moving with time is applied
   * when read: every number is exact as of the call.
   * </pre>
   */
  public static abstract class CustomerServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return CustomerServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service CustomerService.
   * <pre>
   * CustomerService answers how each customer is doing: a health score from their recent ratings,
   * the factors behind it and the signals that they may leave. A customer is a customer_id seen on
   * ratings; nothing is created by hand, and ratings without a customer_id make none.
   * The writer keeps a summary per customer in the same transaction as the ratings, so that a list
   * ordered by health costs what it returns. The health window's edge moving with time is applied
   * when read: every number is exact as of the call.
   * </pre>
   */
  public static final class CustomerServiceStub
      extends io.grpc.stub.AbstractAsyncStub<CustomerServiceStub> {
    private CustomerServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected CustomerServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new CustomerServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * Returns one customer; NOT_FOUND (CUSTOMER_NOT_FOUND) when no rating names it.
     * </pre>
     */
    public void getCustomer(com.csat.v1.GetCustomerRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.GetCustomerResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetCustomerMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists customers, filtered and ordered, paged per AIP-158.
     * </pre>
     */
    public void listCustomers(com.csat.v1.ListCustomersRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.ListCustomersResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListCustomersMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Returns the health policy: window, weights and band thresholds.
     * </pre>
     */
    public void getHealthPolicy(com.csat.v1.GetHealthPolicyRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.GetHealthPolicyResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetHealthPolicyMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Changes the fields of the health policy named in update_mask; needs the admin scope. A change
     * of weights or thresholds recomputes every customer's health from the stored factors; a change
     * of window recomputes every customer's summary from their ratings, in one transaction that
     * holds ingestion back meanwhile: slow on big stores (minutes for millions of ratings).
     * </pre>
     */
    public void updateHealthPolicy(com.csat.v1.UpdateHealthPolicyRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.UpdateHealthPolicyResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getUpdateHealthPolicyMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Erases what identifies a customer, for a right-to-erasure request. Every rating of the
     * customer loses its comment, customer_id and attributes, and is marked `erased`; its score,
     * survey, channel, reason codes, times and sequence stay, so that aggregate reports do not move
     * (but for reports grouped by an attribute: the erased values fall under the empty value).
     * Every follow-up of the customer loses its comment, notes and customer_id, every invitation its
     * customer_id (so it holds no later invitation back), and the customer's
     * summary is removed (GetCustomer then answers NOT_FOUND). One transaction, committed before
     * OK, on every replica's storage; a replay or a read after it returns the erased form.
     * Idempotent: a second call is OK and counts 0, as nothing of the customer is left; ratings
     * submitted later under the same customer_id are new ratings, kept until erased in turn.
     * Audit logged with the caller's principal. Scope `customers:erase`.
     * </pre>
     */
    public void eraseCustomer(com.csat.v1.EraseCustomerRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.EraseCustomerResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getEraseCustomerMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service CustomerService.
   * <pre>
   * CustomerService answers how each customer is doing: a health score from their recent ratings,
   * the factors behind it and the signals that they may leave. A customer is a customer_id seen on
   * ratings; nothing is created by hand, and ratings without a customer_id make none.
   * The writer keeps a summary per customer in the same transaction as the ratings, so that a list
   * ordered by health costs what it returns. The health window's edge moving with time is applied
   * when read: every number is exact as of the call.
   * </pre>
   */
  public static final class CustomerServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<CustomerServiceBlockingV2Stub> {
    private CustomerServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected CustomerServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new CustomerServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * Returns one customer; NOT_FOUND (CUSTOMER_NOT_FOUND) when no rating names it.
     * </pre>
     */
    public com.csat.v1.GetCustomerResponse getCustomer(com.csat.v1.GetCustomerRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetCustomerMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists customers, filtered and ordered, paged per AIP-158.
     * </pre>
     */
    public com.csat.v1.ListCustomersResponse listCustomers(com.csat.v1.ListCustomersRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListCustomersMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns the health policy: window, weights and band thresholds.
     * </pre>
     */
    public com.csat.v1.GetHealthPolicyResponse getHealthPolicy(com.csat.v1.GetHealthPolicyRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetHealthPolicyMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Changes the fields of the health policy named in update_mask; needs the admin scope. A change
     * of weights or thresholds recomputes every customer's health from the stored factors; a change
     * of window recomputes every customer's summary from their ratings, in one transaction that
     * holds ingestion back meanwhile: slow on big stores (minutes for millions of ratings).
     * </pre>
     */
    public com.csat.v1.UpdateHealthPolicyResponse updateHealthPolicy(com.csat.v1.UpdateHealthPolicyRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getUpdateHealthPolicyMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Erases what identifies a customer, for a right-to-erasure request. Every rating of the
     * customer loses its comment, customer_id and attributes, and is marked `erased`; its score,
     * survey, channel, reason codes, times and sequence stay, so that aggregate reports do not move
     * (but for reports grouped by an attribute: the erased values fall under the empty value).
     * Every follow-up of the customer loses its comment, notes and customer_id, every invitation its
     * customer_id (so it holds no later invitation back), and the customer's
     * summary is removed (GetCustomer then answers NOT_FOUND). One transaction, committed before
     * OK, on every replica's storage; a replay or a read after it returns the erased form.
     * Idempotent: a second call is OK and counts 0, as nothing of the customer is left; ratings
     * submitted later under the same customer_id are new ratings, kept until erased in turn.
     * Audit logged with the caller's principal. Scope `customers:erase`.
     * </pre>
     */
    public com.csat.v1.EraseCustomerResponse eraseCustomer(com.csat.v1.EraseCustomerRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getEraseCustomerMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service CustomerService.
   * <pre>
   * CustomerService answers how each customer is doing: a health score from their recent ratings,
   * the factors behind it and the signals that they may leave. A customer is a customer_id seen on
   * ratings; nothing is created by hand, and ratings without a customer_id make none.
   * The writer keeps a summary per customer in the same transaction as the ratings, so that a list
   * ordered by health costs what it returns. The health window's edge moving with time is applied
   * when read: every number is exact as of the call.
   * </pre>
   */
  public static final class CustomerServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<CustomerServiceBlockingStub> {
    private CustomerServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected CustomerServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new CustomerServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * Returns one customer; NOT_FOUND (CUSTOMER_NOT_FOUND) when no rating names it.
     * </pre>
     */
    public com.csat.v1.GetCustomerResponse getCustomer(com.csat.v1.GetCustomerRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetCustomerMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists customers, filtered and ordered, paged per AIP-158.
     * </pre>
     */
    public com.csat.v1.ListCustomersResponse listCustomers(com.csat.v1.ListCustomersRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListCustomersMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns the health policy: window, weights and band thresholds.
     * </pre>
     */
    public com.csat.v1.GetHealthPolicyResponse getHealthPolicy(com.csat.v1.GetHealthPolicyRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetHealthPolicyMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Changes the fields of the health policy named in update_mask; needs the admin scope. A change
     * of weights or thresholds recomputes every customer's health from the stored factors; a change
     * of window recomputes every customer's summary from their ratings, in one transaction that
     * holds ingestion back meanwhile: slow on big stores (minutes for millions of ratings).
     * </pre>
     */
    public com.csat.v1.UpdateHealthPolicyResponse updateHealthPolicy(com.csat.v1.UpdateHealthPolicyRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getUpdateHealthPolicyMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Erases what identifies a customer, for a right-to-erasure request. Every rating of the
     * customer loses its comment, customer_id and attributes, and is marked `erased`; its score,
     * survey, channel, reason codes, times and sequence stay, so that aggregate reports do not move
     * (but for reports grouped by an attribute: the erased values fall under the empty value).
     * Every follow-up of the customer loses its comment, notes and customer_id, every invitation its
     * customer_id (so it holds no later invitation back), and the customer's
     * summary is removed (GetCustomer then answers NOT_FOUND). One transaction, committed before
     * OK, on every replica's storage; a replay or a read after it returns the erased form.
     * Idempotent: a second call is OK and counts 0, as nothing of the customer is left; ratings
     * submitted later under the same customer_id are new ratings, kept until erased in turn.
     * Audit logged with the caller's principal. Scope `customers:erase`.
     * </pre>
     */
    public com.csat.v1.EraseCustomerResponse eraseCustomer(com.csat.v1.EraseCustomerRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getEraseCustomerMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service CustomerService.
   * <pre>
   * CustomerService answers how each customer is doing: a health score from their recent ratings,
   * the factors behind it and the signals that they may leave. A customer is a customer_id seen on
   * ratings; nothing is created by hand, and ratings without a customer_id make none.
   * The writer keeps a summary per customer in the same transaction as the ratings, so that a list
   * ordered by health costs what it returns. The health window's edge moving with time is applied
   * when read: every number is exact as of the call.
   * </pre>
   */
  public static final class CustomerServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<CustomerServiceFutureStub> {
    private CustomerServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected CustomerServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new CustomerServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * Returns one customer; NOT_FOUND (CUSTOMER_NOT_FOUND) when no rating names it.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.csat.v1.GetCustomerResponse> getCustomer(
        com.csat.v1.GetCustomerRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetCustomerMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists customers, filtered and ordered, paged per AIP-158.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.csat.v1.ListCustomersResponse> listCustomers(
        com.csat.v1.ListCustomersRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListCustomersMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Returns the health policy: window, weights and band thresholds.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.csat.v1.GetHealthPolicyResponse> getHealthPolicy(
        com.csat.v1.GetHealthPolicyRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetHealthPolicyMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Changes the fields of the health policy named in update_mask; needs the admin scope. A change
     * of weights or thresholds recomputes every customer's health from the stored factors; a change
     * of window recomputes every customer's summary from their ratings, in one transaction that
     * holds ingestion back meanwhile: slow on big stores (minutes for millions of ratings).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.csat.v1.UpdateHealthPolicyResponse> updateHealthPolicy(
        com.csat.v1.UpdateHealthPolicyRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getUpdateHealthPolicyMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Erases what identifies a customer, for a right-to-erasure request. Every rating of the
     * customer loses its comment, customer_id and attributes, and is marked `erased`; its score,
     * survey, channel, reason codes, times and sequence stay, so that aggregate reports do not move
     * (but for reports grouped by an attribute: the erased values fall under the empty value).
     * Every follow-up of the customer loses its comment, notes and customer_id, every invitation its
     * customer_id (so it holds no later invitation back), and the customer's
     * summary is removed (GetCustomer then answers NOT_FOUND). One transaction, committed before
     * OK, on every replica's storage; a replay or a read after it returns the erased form.
     * Idempotent: a second call is OK and counts 0, as nothing of the customer is left; ratings
     * submitted later under the same customer_id are new ratings, kept until erased in turn.
     * Audit logged with the caller's principal. Scope `customers:erase`.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.csat.v1.EraseCustomerResponse> eraseCustomer(
        com.csat.v1.EraseCustomerRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getEraseCustomerMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_GET_CUSTOMER = 0;
  private static final int METHODID_LIST_CUSTOMERS = 1;
  private static final int METHODID_GET_HEALTH_POLICY = 2;
  private static final int METHODID_UPDATE_HEALTH_POLICY = 3;
  private static final int METHODID_ERASE_CUSTOMER = 4;

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
        case METHODID_GET_CUSTOMER:
          serviceImpl.getCustomer((com.csat.v1.GetCustomerRequest) request,
              (io.grpc.stub.StreamObserver<com.csat.v1.GetCustomerResponse>) responseObserver);
          break;
        case METHODID_LIST_CUSTOMERS:
          serviceImpl.listCustomers((com.csat.v1.ListCustomersRequest) request,
              (io.grpc.stub.StreamObserver<com.csat.v1.ListCustomersResponse>) responseObserver);
          break;
        case METHODID_GET_HEALTH_POLICY:
          serviceImpl.getHealthPolicy((com.csat.v1.GetHealthPolicyRequest) request,
              (io.grpc.stub.StreamObserver<com.csat.v1.GetHealthPolicyResponse>) responseObserver);
          break;
        case METHODID_UPDATE_HEALTH_POLICY:
          serviceImpl.updateHealthPolicy((com.csat.v1.UpdateHealthPolicyRequest) request,
              (io.grpc.stub.StreamObserver<com.csat.v1.UpdateHealthPolicyResponse>) responseObserver);
          break;
        case METHODID_ERASE_CUSTOMER:
          serviceImpl.eraseCustomer((com.csat.v1.EraseCustomerRequest) request,
              (io.grpc.stub.StreamObserver<com.csat.v1.EraseCustomerResponse>) responseObserver);
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
          getGetCustomerMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              com.csat.v1.GetCustomerRequest,
              com.csat.v1.GetCustomerResponse>(
                service, METHODID_GET_CUSTOMER)))
        .addMethod(
          getListCustomersMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              com.csat.v1.ListCustomersRequest,
              com.csat.v1.ListCustomersResponse>(
                service, METHODID_LIST_CUSTOMERS)))
        .addMethod(
          getGetHealthPolicyMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              com.csat.v1.GetHealthPolicyRequest,
              com.csat.v1.GetHealthPolicyResponse>(
                service, METHODID_GET_HEALTH_POLICY)))
        .addMethod(
          getUpdateHealthPolicyMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              com.csat.v1.UpdateHealthPolicyRequest,
              com.csat.v1.UpdateHealthPolicyResponse>(
                service, METHODID_UPDATE_HEALTH_POLICY)))
        .addMethod(
          getEraseCustomerMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              com.csat.v1.EraseCustomerRequest,
              com.csat.v1.EraseCustomerResponse>(
                service, METHODID_ERASE_CUSTOMER)))
        .build();
  }

  private static abstract class CustomerServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    CustomerServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return com.csat.v1.CustomerProto.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("CustomerService");
    }
  }

  private static final class CustomerServiceFileDescriptorSupplier
      extends CustomerServiceBaseDescriptorSupplier {
    CustomerServiceFileDescriptorSupplier() {}
  }

  private static final class CustomerServiceMethodDescriptorSupplier
      extends CustomerServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    CustomerServiceMethodDescriptorSupplier(java.lang.String methodName) {
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
      synchronized (CustomerServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new CustomerServiceFileDescriptorSupplier())
              .addMethod(getGetCustomerMethod())
              .addMethod(getListCustomersMethod())
              .addMethod(getGetHealthPolicyMethod())
              .addMethod(getUpdateHealthPolicyMethod())
              .addMethod(getEraseCustomerMethod())
              .build();
        }
      }
    }
    return result;
  }
}
