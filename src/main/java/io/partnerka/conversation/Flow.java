package io.partnerka.conversation;

/** A conversation that asks a series of questions; see {@link FlowDefinition}. */
public interface Flow {

    FlowDefinition<?> definition();
}
