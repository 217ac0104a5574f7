/** Infrastructure every module stands on: the embedded database of the zero-configuration mode. */
@org.springframework.modulith.ApplicationModule(type = org.springframework.modulith.ApplicationModule.Type.OPEN)
package io.partnerka.platform;
