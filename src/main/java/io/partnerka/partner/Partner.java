package io.partnerka.partner;

import io.partnerka.conversation.Input;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

@Entity
@Table(name = "partner")
class Partner {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long id;
    @Column(name = "user_id")
    long userId;
    @Column(name = "chat_id")
    long chatId;
    @Enumerated(EnumType.STRING)
    PartnerStatus status;
    String type;
    String name;
    String city;
    String phone;
    String email;
    String source;
    String segment;
    String language;
    @Column(name = "manager_id")
    Long managerId;
    Integer score;
    @Column(name = "reject_reason")
    String rejectReason;
    @Column(name = "applied_at")
    Instant appliedAt;
    @Column(name = "decided_at")
    Instant decidedAt;
    @Version
    int version;

    PartnerView view() {
        return new PartnerView(id, userId, chatId, status, type, name, city, Input.maskPhone(phone), email, source,
                segment, managerId, score, appliedAt, decidedAt);
    }
}
