package dev.satwatch.io;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.satwatch.io.proto.DataType;
import dev.satwatch.io.proto.Event;
import dev.satwatch.io.proto.Summary;
import dev.satwatch.io.proto.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The scalar values of one TensorBoard {@code Event} record: each {@code Summary.Value} holding a
 * {@code simple_value} (tensorboardX, {@code torch.utils.tensorboard}'s default) or a rank-0 {@code DT_FLOAT} or
 * {@code DT_DOUBLE} tensor, with the value in {@code float_val}, {@code double_val} or little-endian
 * {@code tensor_content} (TensorFlow 2's {@code tf.summary.scalar}, torch's {@code new_style} scalars). Everything
 * else (file version headers, graphs, images, histograms, text, tensors with more than one element or of other
 * types) gives nothing. Stateless and thread-safe.
 */
final class TensorBoardScalars {

    private TensorBoardScalars() {}

    /**
     * One logged scalar.
     *
     * @param tag the summary tag, e.g. {@code train/loss}
     * @param step the event's global step
     * @param wallTime the event's wall time in seconds since the epoch
     * @param value the value (a float widened to double when logged as one)
     */
    record Scalar(String tag, long step, double wallTime, double value) {}

    /**
     * Decodes one record's payload.
     *
     * @param eventBytes a serialized {@code Event}
     * @return its scalars, in order (often none)
     * @throws InvalidProtocolBufferException when the bytes are not an {@code Event}
     */
    static List<Scalar> of(byte[] eventBytes) throws InvalidProtocolBufferException {
        Event event = Event.parseFrom(eventBytes);
        if (!event.hasSummary()) {
            return List.of();
        }
        List<Scalar> scalars = new ArrayList<>(event.getSummary().getValueCount());
        for (Summary.Value v : event.getSummary().getValueList()) {
            OptionalDouble value =
                    switch (v.getValueCase()) {
                        case SIMPLE_VALUE -> OptionalDouble.of(v.getSimpleValue());
                        case TENSOR -> scalar(v.getTensor());
                        default -> OptionalDouble.empty();
                    };
            if (value.isPresent()) {
                scalars.add(new Scalar(v.getTag(), event.getStep(), event.getWallTime(), value.getAsDouble()));
            }
        }
        return scalars;
    }

    /** The value of a one-element float or double tensor (NaN included: a diverged loss); empty for anything else. */
    private static OptionalDouble scalar(TensorProto t) {
        long elements = 1;
        for (var dim : t.getTensorShape().getDimList()) {
            elements *= dim.getSize();
        }
        if (elements != 1) {
            return OptionalDouble.empty();
        }
        ByteString content = t.getTensorContent();
        if (t.getDtype() == DataType.DT_FLOAT) {
            if (t.getFloatValCount() > 0) {
                return OptionalDouble.of(t.getFloatVal(0));
            }
            return content.size() == Float.BYTES
                    ? OptionalDouble.of(littleEndian(content).getFloat())
                    : OptionalDouble.empty();
        }
        if (t.getDtype() == DataType.DT_DOUBLE) {
            if (t.getDoubleValCount() > 0) {
                return OptionalDouble.of(t.getDoubleVal(0));
            }
            return content.size() == Double.BYTES
                    ? OptionalDouble.of(littleEndian(content).getDouble())
                    : OptionalDouble.empty();
        }
        return OptionalDouble.empty();
    }

    private static ByteBuffer littleEndian(ByteString content) {
        return content.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }
}
