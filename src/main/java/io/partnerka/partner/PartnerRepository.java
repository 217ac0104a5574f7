package io.partnerka.partner;

import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

interface PartnerRepository extends JpaRepository<Partner, Long> {

    Optional<Partner> findByUserId(long userId);
}
