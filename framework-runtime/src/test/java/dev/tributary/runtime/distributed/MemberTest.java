package dev.tributary.runtime.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MemberTest {
    @Test
    void theConsumerNameCarriesTheIdAndTheRestUrl() {
        Member member = new Member("worker 1/é", "http://10.0.0.5:8083/base path");
        assertThat(member.consumerName()).doesNotContain("/").hasSize(member.consumerName().trim().length());
        assertThat(Member.fromConsumerName(member.consumerName())).contains(member);
    }

    @Test
    void aConsumerThatIsNotAMemberIsNone() {
        assertThat(Member.fromConsumerName("pulsar-admin-tool")).isEmpty();
        assertThat(Member.fromConsumerName(" http%3A%2F%2Fh")).isEmpty();
        assertThat(Member.fromConsumerName("a b c")).isEmpty();
        assertThat(Member.fromConsumerName(null)).isEmpty();
    }
}
