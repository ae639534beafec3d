package dev.satwatch.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satwatch.event.LossPoint;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LineDecoderTest {

    private static final Path SOURCE = Path.of("live.csv");

    @Test
    void shouldDecodeCsvLineByLineAsAFileGrows() throws Exception {
        LineDecoder d = LineDecoder.of(InputFormat.CSV, SOURCE, null);

        assertThat(d.decode("run,tokens,loss")).isEqualTo(LineDecoder.Decoded.NONE);
        assertThat(d.decode("r,1e9,2.5").events()).singleElement().isInstanceOf(LossPoint.class);
        assertThat(d.decode("")).isEqualTo(LineDecoder.Decoded.NONE);
        LineDecoder.Decoded bad = d.decode("r,2e9,x");
        assertThat(bad.events()).isEmpty();
        assertThat(bad.problems()).singleElement().satisfies(p -> assertThat(p.describe())
                .isEqualTo("live.csv:4: field 'loss': not a number ('x')"));
        assertThat(d.linesSeen()).isEqualTo(4);
    }

    @Test
    void shouldHoldBackARecordUntilItsQuotedFieldCloses() throws Exception {
        LineDecoder d = LineDecoder.of(InputFormat.CSV, SOURCE, null);
        d.decode("run,tokens,loss");

        assertThat(d.decode("\"multi")).isEqualTo(LineDecoder.Decoded.NONE);
        LineDecoder.Decoded done = d.decode("line\",1e9,2.5\r");

        assertThat(done.events()).singleElement().satisfies(e -> assertThat(e.runId())
                .isEqualTo("multi\nline"));
        assertThat(d.decode("\"open,1,2")).isEqualTo(LineDecoder.Decoded.NONE);
        assertThat(d.finish().problems()).singleElement().satisfies(p -> assertThat(p.line())
                .isEqualTo(4));
    }

    @Test
    void shouldFailOnAHeaderWithoutALossColumn() throws Exception {
        LineDecoder d = LineDecoder.of(InputFormat.CSV, SOURCE, null);

        assertThatThrownBy(() -> d.decode("run,tokens,accuracy"))
                .isInstanceOf(InputFormatException.class)
                .hasMessageStartingWith("live.csv:1: no loss column");
    }

    @Test
    void shouldDecodeJsonlLinesWithTheirLineNumbers() throws Exception {
        LineDecoder d = LineDecoder.of(InputFormat.JSONL, Path.of("e.jsonl"), null);

        assertThat(d.decode("\uFEFF{\"type\":\"run_finished\",\"run_id\":\"r\"}")
                        .events())
                .hasSize(1);
        assertThat(d.decode("{\"type\":\"nope\",\"run_id\":\"r\"}").problems())
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.line()).isEqualTo(2);
                    assertThat(p.field()).isEqualTo("type");
                });
        assertThat(d.finish()).isEqualTo(LineDecoder.Decoded.NONE);
    }

    @Test
    void shouldRefuseFormatsThatAreNotLineOriented() {
        assertThatThrownBy(() -> LineDecoder.of(InputFormat.TRAINER_STATE, SOURCE, null))
                .isInstanceOf(InputFormatException.class)
                .hasMessageContaining("read it whole");
        assertThatThrownBy(() -> LineDecoder.of(InputFormat.AUTO, SOURCE, null))
                .isInstanceOf(InputFormatException.class)
                .hasMessageContaining("detect the format");
    }
}
